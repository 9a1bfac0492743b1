package dev.align4j.core.math;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Sigmoid and its logarithm, stable for |x| up to at least 1000 (DJL has no {@code logSigmoid} on PyTorch). */
public final class Sigmoids {
  private Sigmoids() {}

  /** {@code log σ(x) = −softplus(−x)}: no overflow for large negative x, no {@code log 0}. */
  public static NDArray logSigmoid(NDArray x) {
    return Activation.softPlus(x.neg()).neg();
  }

  /** {@code σ(x)}. */
  public static NDArray sigmoid(NDArray x) {
    return Activation.sigmoid(x);
  }
}
