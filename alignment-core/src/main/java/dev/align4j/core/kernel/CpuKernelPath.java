package dev.align4j.core.kernel;

import java.util.Optional;

/** Which inner loops {@link CpuKernelProvider} runs. Both give the same results within the conformance tolerances. */
public enum CpuKernelPath {
  /** Plain Java loops: always available, the reference the other path must equal. */
  SCALAR,
  /**
   * Loops written with the incubating Vector API (JEP 414, {@code jdk.incubator.vector}), several times faster on
   * the softmax-family kernels. Available when the JVM was started with {@code --add-modules jdk.incubator.vector}
   * and the CPU has vectors of at least 8 floats (AVX2, AVX-512, 256-bit SVE).
   */
  VECTOR_API;

  /** System property: {@code false} keeps the default provider on {@link #SCALAR} even where the Vector API works. */
  public static final String VECTOR_PROPERTY = "align4j.kernels.cpu.vector";

  /** Whether this path can run in this JVM. */
  public boolean isAvailable() {
    return this == SCALAR || VectorApi.loops().isPresent();
  }

  /** Why {@link #VECTOR_API} is not available here; empty when it is. */
  public static Optional<String> vectorApiUnavailableReason() {
    return VectorApi.unavailableReason();
  }

  /**
   * The path a default {@link CpuKernelProvider} takes: {@link #VECTOR_API} where available, unless
   * {@value #VECTOR_PROPERTY} is {@code false}.
   */
  public static CpuKernelPath preferred() {
    boolean allowed = !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY, "true").trim());
    return allowed && VECTOR_API.isAvailable() ? VECTOR_API : SCALAR;
  }
}
