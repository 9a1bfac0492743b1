package dev.align4j.core.conformance;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import java.util.Map;

/** The string values of the vector format, mapped to align4j's types. */
final class Vocabulary {
  private Vocabulary() {}

  static final Map<String, KlEstimator> ESTIMATORS =
      Map.of("k1", KlEstimator.K1, "k2", KlEstimator.K2, "k3", KlEstimator.K3);

  static final Map<String, ScorePlacement> SCORE_AT = Map.of(
      "after_last_valid", ScorePlacement.AFTER_RESPONSE_TRL,
      "last_valid", ScorePlacement.LAST_RESPONSE_TOKEN);

  static final Map<String, RewardScaling> SCALE_REWARDS = Map.of(
      "group", RewardScaling.GROUP, "batch", RewardScaling.BATCH, "none", RewardScaling.NONE);

  static final Map<String, MultiRewardAggregation> MULTI_AGGREGATION = Map.of(
      "sum_then_normalize", MultiRewardAggregation.SUM_THEN_NORMALIZE,
      "normalize_then_sum", MultiRewardAggregation.NORMALIZE_THEN_SUM);

  /**
   * The score placement of ops whose vectors describe TRL's layout without naming it ({@code gae},
   * {@code ppo_value_loss}): TRL parity unless the case says {@code score_at}.
   */
  static ScorePlacement placementOrTrl(ConformanceCase c) {
    return c.hasParam("score_at") ? c.choiceParam("score_at", SCORE_AT) : ScorePlacement.AFTER_RESPONSE_TRL;
  }

  /** {@code scale_rewards}: a string, or a boolean ({@code true} = group, {@code false} = none). */
  static RewardScaling scaleRewards(ConformanceCase c) {
    var v = c.param("scale_rewards");
    if (v.isBoolean()) {
      return v.asBoolean() ? RewardScaling.GROUP : RewardScaling.NONE;
    }
    return c.choiceParam("scale_rewards", SCALE_REWARDS);
  }
}
