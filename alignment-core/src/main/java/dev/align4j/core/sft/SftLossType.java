package dev.align4j.core.sft;

/** The per-token SFT loss. */
public enum SftLossType {
  /** Negative log-likelihood of each label: plain cross-entropy. */
  NLL,
  /**
   * Dynamic Fine-Tuning (Wu et al. 2025, "On the Generalization of SFT", eq. 9): each token's NLL is weighted by its
   * own probability, treated as a constant, so the gradient is {@code −p·∇log p}.
   */
  DFT
}
