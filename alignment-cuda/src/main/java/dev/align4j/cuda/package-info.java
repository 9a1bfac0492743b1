/**
 * CUDA kernels behind the {@link dev.align4j.api.kernel.KernelProvider} SPI. This module currently holds only its
 * skeleton; until the CUDA provider lands, the CPU provider of {@code alignment-core} serves every kernel.
 */
package dev.align4j.cuda;
