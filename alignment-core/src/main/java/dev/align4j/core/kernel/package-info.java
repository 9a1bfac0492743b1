/**
 * The pure-Java CPU implementation of the kernel SPI ({@link dev.align4j.api.kernel.KernelProvider}).
 *
 * <p>Softmax-family kernels ({@link dev.align4j.core.kernel.SoftmaxRows}) make one pass over each logit row with an
 * online log-sum-exp, so logits of ±100 neither overflow nor lose the small terms; advantage kernels
 * ({@link dev.align4j.core.kernel.AdvantageKernels}) accumulate statistics in double. Nothing here starts DJL.
 */
package dev.align4j.core.kernel;
