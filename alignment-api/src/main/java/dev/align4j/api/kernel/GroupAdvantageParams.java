package dev.align4j.api.kernel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * GRPO's group-relative advantages (Shao et al. 2024, eq. 3): the {@code groupSize} completions of a prompt are
 * contiguous; each reward minus its group's mean, optionally divided by a standard deviation.
 *
 * @param groupSize completions per prompt (TRL's {@code num_generations}), at least 1; with 1 every advantage is 0
 * @param scaling the standard-deviation scaling
 * @param aggregation how several reward functions combine (ignored for a single function)
 * @param weights per-function weights for several functions; empty means all 1
 */
public record GroupAdvantageParams(
    int groupSize, RewardScaling scaling, MultiRewardAggregation aggregation, float[] weights) {
  /** ε added to the standard deviation (not the variance), as TRL does. */
  public static final double STD_EPSILON = 1e-4;

  public GroupAdvantageParams {
    checkArgument(groupSize >= 1, "groupSize (num_generations) must be >= 1, got %s", groupSize);
    checkNotNull(scaling, "scaling");
    checkNotNull(aggregation, "aggregation");
    checkNotNull(weights, "weights (use an empty array for all 1)");
    weights = weights.clone();
    for (int k = 0; k < weights.length; k++) {
      checkArgument(Float.isFinite(weights[k]), "weights[%s] must be finite, got %s", (Integer) k, (Float) weights[k]);
    }
  }

  /** One reward function, the given scaling. */
  public static GroupAdvantageParams of(int groupSize, RewardScaling scaling) {
    return new GroupAdvantageParams(groupSize, scaling, MultiRewardAggregation.SUM_THEN_NORMALIZE, new float[0]);
  }

  /** The weight of reward function {@code k} (1 when no weights were given). */
  public float weight(int k) {
    return weights.length == 0 ? 1f : weights[k];
  }

  @Override
  public float[] weights() {
    return weights.clone();
  }
}
