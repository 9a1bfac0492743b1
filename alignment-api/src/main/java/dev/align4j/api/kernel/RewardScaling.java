package dev.align4j.api.kernel;

/**
 * How GRPO scales group-centred rewards into advantages. The mean subtracted is always the group's mean.
 *
 * <p>Shao et al. 2024 (DeepSeekMath, eq. 3) divide by the group's standard deviation; Liu et al. 2025 (Dr. GRPO)
 * show that this favours groups of nearly equal rewards and drop it; TRL also offers a batch-wide deviation.
 */
public enum RewardScaling {
  /** Divide by the unbiased standard deviation of the group, plus 1e-4 (GRPO paper; TRL {@code "group"}). */
  GROUP,
  /** Divide by the unbiased standard deviation of all rewards in the batch, plus 1e-4 (TRL {@code "batch"}). */
  BATCH,
  /** No division: advantages are the centred rewards (Dr. GRPO; TRL {@code "none"}). */
  NONE
}
