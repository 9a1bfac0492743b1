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

  /**
   * Validates the fields and copies {@code weights}, so a later change to the caller's array does not reach this
   * record; throws {@link IllegalArgumentException} for a group size below 1 or a non-finite weight (naming its
   * index) and {@link NullPointerException} for a null field.
   *
   * @param groupSize at least 1
   * @param scaling not null
   * @param aggregation not null, even for a single reward function
   * @param weights finite, or empty for all 1; not null
   */
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

  /**
   * One reward function, the given scaling.
   *
   * @param groupSize completions per prompt, at least 1
   * @param scaling the standard-deviation scaling
   * @return parameters with {@link MultiRewardAggregation#SUM_THEN_NORMALIZE} (which a single function does not
   *     use) and no weights
   */
  public static GroupAdvantageParams of(int groupSize, RewardScaling scaling) {
    return new GroupAdvantageParams(groupSize, scaling, MultiRewardAggregation.SUM_THEN_NORMALIZE, new float[0]);
  }

  /**
   * The weight of reward function {@code k} (1 when no weights were given).
   *
   * @param k the index of the reward function, in {@code [0, weights().length)} when weights were given (any index
   *     otherwise)
   * @return {@code weights[k]}, or 1 for every {@code k} when the weights are empty
   * @throws ArrayIndexOutOfBoundsException when weights were given and {@code k} is outside them
   */
  public float weight(int k) {
    return weights.length == 0 ? 1f : weights[k];
  }

  /**
   * The per-function weights; empty means all 1.
   *
   * @return a fresh copy on every call, so a caller cannot change this record
   */
  @Override
  public float[] weights() {
    return weights.clone();
  }
}
