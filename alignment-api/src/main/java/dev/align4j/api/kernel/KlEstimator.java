package dev.align4j.api.kernel;

/**
 * Per-token estimators of KL(π ‖ π_ref) from the log-probs of the sampled token, after Schulman, "Approximating KL
 * Divergence" (2020). With {@code d = ref_logprob − logprob} and tokens sampled from π:
 */
public enum KlEstimator {
  /** {@code k1 = −d}: unbiased, high variance, can be negative per token. */
  K1,
  /** {@code k2 = d²/2}: biased, low variance, always ≥ 0. */
  K2,
  /** {@code k3 = e^d − d − 1}: unbiased and always ≥ 0 (the GRPO paper's choice). */
  K3;

  /**
   * The estimate for one token, in double precision.
   *
   * @param logprob {@code log π(x)} of the sampled token under the policy
   * @param refLogprob {@code log π_ref(x)} of the same token under the reference
   * @return the estimate of this estimator with {@code d = refLogprob − logprob}; k3 is computed as
   *     {@code expm1(d) − d}, more precise for small {@code d} than {@code e^d − 1 − d}
   */
  public double apply(double logprob, double refLogprob) {
    double d = refLogprob - logprob;
    return switch (this) {
      case K1 -> -d;
      case K2 -> 0.5 * d * d;
      case K3 -> Math.expm1(d) - d;
    };
  }
}
