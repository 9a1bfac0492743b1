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

  /** The estimate for one token, in double precision. */
  public double apply(double logprob, double refLogprob) {
    double d = refLogprob - logprob;
    return switch (this) {
      case K1 -> -d;
      case K2 -> 0.5 * d * d;
      case K3 -> Math.expm1(d) - d;
    };
  }
}
