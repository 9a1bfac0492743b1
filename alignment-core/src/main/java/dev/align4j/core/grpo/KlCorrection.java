package dev.align4j.core.grpo;

/** Whether GRPO's k3 KL term is importance-weighted by the ratio when training off-policy. */
public enum KlCorrection {
  /** The k3 estimate as it is (the GRPO paper). */
  NONE,
  /**
   * Multiplied by the importance ratio ρ, which makes k3 unbiased for samples drawn from π_old
   * (TRL's {@code use_bias_correction_kl}).
   */
  IMPORTANCE_WEIGHTED
}
