/**
 * The no-grad kernels on an NVIDIA GPU: {@link dev.align4j.cuda.CudaKernelProvider} implements the
 * {@link dev.align4j.api.kernel.KernelProvider} SPI over CUDA C kernels ({@code src/main/native}) reached through
 * JNI, {@link dev.align4j.cuda.DeviceTensor} holds GPU memory, and {@link dev.align4j.cuda.CudaKernels} runs the ops
 * on data already on the device.
 *
 * <p>Adding this module is enough: the provider registers itself in {@code META-INF/services} with a higher priority
 * than the CPU provider. When CUDA is not usable (no native library in the jar, no driver, no device, a corrupt
 * library, or turned off with {@code -Dalign4j.cuda.disabled=true} or {@code -Dalign4j.kernels=cpu}) it says so in
 * one log line and reports itself unusable, and {@link dev.align4j.api.kernel.KernelProviders#best()} picks the CPU
 * provider; nothing throws at start-up. {@link dev.align4j.cuda.CudaKernelProvider#status()} tells why.
 *
 * <p>{@link dev.align4j.cuda.GpuCheck} compares every kernel with the CPU provider on a GPU and times it.
 */
package dev.align4j.cuda;
