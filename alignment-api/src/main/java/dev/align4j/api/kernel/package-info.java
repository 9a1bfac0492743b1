/**
 * The no-grad kernel SPI: token log-probs, entropy, full-vocabulary KL, the k1/k2/k3 estimators, KL-penalised
 * rewards, GAE, whitening and GRPO group advantages, over flat {@code float[]} buffers with explicit shapes and
 * masks.
 *
 * <p>Providers are found through {@link java.util.ServiceLoader} ({@code META-INF/services/
 * dev.align4j.api.kernel.KernelProvider}); {@link dev.align4j.api.kernel.KernelProviders} picks the best usable one.
 * Nothing here starts the DJL engine, so a GPU check can run with the kernel jars and a small Java runtime only.
 *
 * <p>Layout conventions: a {@code [B][T]} tensor is a {@code float[B*T]} in row-major order; a {@code [B][T][V]}
 * tensor is {@code float[B*T*V]}. Masks are {@code float} arrays holding exactly 0 or 1.
 */
package dev.align4j.api.kernel;
