package dev.align4j.core.math;

import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import dev.align4j.api.kernel.KlEstimator;

/** The per-token KL estimators of {@link KlEstimator} on NDArrays, differentiable in {@code logprobs}. */
public final class KlEstimates {
  private KlEstimates() {}

  /**
   * Per-token estimate of KL(π ‖ π_ref), {@code d = ref − logprobs}: k1 {@code −d}, k2 {@code d²/2}, k3
   * {@code e^d − d − 1}.
   */
  public static NDArray perToken(NDArray logprobs, NDArray refLogprobs, KlEstimator estimator) {
    NDArray d = refLogprobs.sub(logprobs);
    return switch (estimator) {
      case K1 -> d.neg();
      case K2 -> mul(d.square(), 0.5);
      case K3 -> d.exp().sub(d).sub(1f);
    };
  }
}
