package dev.align4j.core.math;

import ai.djl.ndarray.NDArray;

/** Reductions over the positions a 0/1 mask selects. Masks are float arrays broadcastable to the values. */
public final class Masked {
  private Masked() {}

  /** {@code Σ x·m}. */
  public static NDArray sum(NDArray x, NDArray mask) {
    return x.mul(mask).sum();
  }

  /** {@code Σ x·m / max(Σ m, 1)}: 0 for an empty mask instead of NaN. */
  public static NDArray mean(NDArray x, NDArray mask) {
    return x.mul(mask).sum().div(mask.sum().maximum(1f));
  }

  /** Per-row {@code Σ_t x·m / max(L_b, 1)} of {@code (B, T)} inputs, shape {@code (B)}. */
  public static NDArray rowMean(NDArray x, NDArray mask) {
    return x.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
  }
}
