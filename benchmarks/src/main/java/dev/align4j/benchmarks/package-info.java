/** JMH benchmarks of the KL and advantage kernels, side by side with naive loops and DJL/PyTorch ops. */
package dev.align4j.benchmarks;
