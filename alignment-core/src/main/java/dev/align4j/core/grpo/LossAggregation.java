package dev.align4j.core.grpo;

/**
 * How the GRPO family turns per-token losses {@code ℓ[b][t]} with mask {@code m} and row lengths {@code L_b} into the
 * scalar loss. The choice decides how long and short completions are weighted (Liu et al. 2025 §3.1; Yu et al. 2025
 * §3.3).
 */
public enum LossAggregation {
  /** {@code mean_b(Σ_t ℓ·m / max(L_b, 1))}: every sequence counts equally (GRPO paper, SAPO). */
  SEQUENCE_MEAN,
  /** {@code Σ ℓ·m / max(Σ m, 1)}: every token counts equally (BNPO). */
  TOKEN_MEAN,
  /** {@code Σ ℓ·m / (B·L_max)}: a constant normaliser, no length bias (Dr. GRPO). */
  MAX_LENGTH,
  /** {@code Σ ℓ·m / (max(items, 1) / processes)}: token sum over the global item count (DAPO, CISPO, VESPO). */
  ITEMS,
  /** {@code mean(ℓ·L_b)}: each sequence's loss weighted by its length (LUSPO). */
  LENGTH_WEIGHTED
}
