package dev.align4j.core.grpo;

/** The granularity of GRPO's importance ratio. */
public enum ImportanceSampling {
  /** One ratio per token, {@code exp(logπ − logπ_old)} (GRPO, DAPO). */
  TOKEN,
  /**
   * One ratio per sequence, the exponentiated mean per-token log-ratio (GSPO, Zheng et al. 2025, eq. 7).
   */
  SEQUENCE
}
