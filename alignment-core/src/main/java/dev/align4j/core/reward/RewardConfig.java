package dev.align4j.core.reward;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.core.train.TrainingArgs;
import java.util.OptionalDouble;

/**
 * Reward-model training (Ouyang et al. 2022 §3.5).
 *
 * @param training the shared training options
 * @param marginMode whether per-pair margins of the data are subtracted
 * @param centerRewardsCoefficient TRL's {@code center_rewards_coefficient} (Eisenstein et al. 2023); empty for none
 */
public record RewardConfig(TrainingArgs training, MarginMode marginMode, OptionalDouble centerRewardsCoefficient) {
  public RewardConfig {
    checkNotNull(training, "training");
    checkNotNull(marginMode, "marginMode");
    checkNotNull(centerRewardsCoefficient, "centerRewardsCoefficient");
    centerRewardsCoefficient.ifPresent(c -> checkArgument(c >= 0, "center-rewards-coefficient must be >= 0, got %s",
        c));
  }

  /** The objective this configuration trains with. */
  public BradleyTerryObjective objective() {
    return new BradleyTerryObjective(marginMode, centerRewardsCoefficient);
  }
}
