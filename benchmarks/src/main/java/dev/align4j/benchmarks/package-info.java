/**
 * JMH benchmarks of the CPU kernels: one class per kernel, each with a naive baseline, the scalar and Vector API
 * paths of the CPU provider on one thread, and the same computation through DJL's PyTorch ops; {@link
 * dev.align4j.benchmarks.Probes} measures memory bandwidth and the exp rate in the same run, and {@link
 * dev.align4j.benchmarks.ResultsTable} prints the table of {@code benchmarks/README.md}. Run with
 * {@code benchmarks/run.sh}.
 */
package dev.align4j.benchmarks;
