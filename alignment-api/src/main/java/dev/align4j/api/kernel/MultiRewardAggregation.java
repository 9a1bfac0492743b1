package dev.align4j.api.kernel;

/** How GRPO combines several reward functions into one advantage per completion (TRL's {@code multi_objective_aggregation}). */
public enum MultiRewardAggregation {
  /** Weighted sum of the raw rewards, then group normalisation with the configured {@link RewardScaling}. */
  SUM_THEN_NORMALIZE,
  /**
   * Each function's rewards group-normalised on their own (group std), weighted and summed, then the sums whitened
   * over the whole batch (GDPO-style); {@link RewardScaling} is ignored.
   */
  NORMALIZE_THEN_SUM
}
