package dev.align4j.core.reward;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.core.train.TrainingArgs;
import dev.align4j.core.train.VariantNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Reward-model training (Ouyang et al. 2022 §3.5; TRL's {@code RewardConfig}). Build with {@link #builder()}.
 *
 * @param training the shared training options
 * <p>Soft labels and margins do not combine: {@link LabelMode#SOFT} with {@link MarginMode#GIVEN} is refused.
 * Both encode how strongly chosen wins (Llama 2's margin from the rater's "significantly better" grade, a soft label
 * from the labeller's probability), so subtracting a margin inside a soft cross-entropy would count the strength
 * twice, and it would contradict the label: at p = 0.5 the loss {@code −[½·log σ(Δ − m) + ½·log σ(m − Δ)]} is
 * minimised at {@code Δ = m}, a confident preference the labeller did not express. A user who has both chooses which
 * one the reward model learns from.
 *
 * @param training the shared training options
 * @param marginMode whether per-pair margins of the data are subtracted
 * @param labelMode hard labels (chosen always wins) or the data's soft labels {@code p_chosen}
 * @param centerRewardsCoefficient TRL's {@code center_rewards_coefficient} (Eisenstein et al. 2023); empty for none
 */
public record RewardConfig(TrainingArgs training, MarginMode marginMode, LabelMode labelMode,
    OptionalDouble centerRewardsCoefficient) {
  public RewardConfig {
    checkNotNull(training, "training");
    checkNotNull(marginMode, "marginMode");
    checkNotNull(labelMode, "labelMode");
    checkNotNull(centerRewardsCoefficient, "centerRewardsCoefficient");
    centerRewardsCoefficient.ifPresent(c -> checkArgument(c >= 0, "center-rewards-coefficient must be >= 0, got %s",
        c));
    checkArgument(!(labelMode == LabelMode.SOFT && marginMode == MarginMode.GIVEN),
        "soft-labels cannot be combined with margin 'given': a soft label and a margin both say how strongly chosen "
            + "wins, and the loss would count it twice (train with margin none, or without soft labels)");
  }

  /** The objective this configuration trains with. */
  public BradleyTerryObjective objective() {
    return new BradleyTerryObjective(marginMode, labelMode, centerRewardsCoefficient);
  }

  /**
   * A builder with TRL's reward defaults: learning rate 1e-4, 3 epochs, batch 8, max length 1024, no margins, hard
   * labels.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    Builder b = new Builder().training(training).marginMode(marginMode).labelMode(labelMode);
    centerRewardsCoefficient.ifPresent(b::centerRewardsCoefficient);
    return b;
  }

  /** Every option under the command line's names, for {@code config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(training.toMap());
    m.put("margin", VariantNames.of(marginMode));
    m.put("soft-labels", labelMode == LabelMode.SOFT);
    m.put("center-rewards-coefficient", centerRewardsCoefficient.isPresent()
        ? centerRewardsCoefficient.getAsDouble() : null);
    return m;
  }

  /** Builds a {@link RewardConfig}; each setter names its default and TRL's field. */
  public static final class Builder extends TrainingArgs.AbstractBuilder<Builder> {
    private MarginMode marginMode = MarginMode.NONE;
    private LabelMode labelMode = LabelMode.HARD;
    private OptionalDouble centerRewardsCoefficient = OptionalDouble.empty();

    Builder() {
      learningRate(1e-4);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Whether each pair's {@code margin} is subtracted inside the loss; default none. */
    public Builder marginMode(MarginMode v) {
      this.marginMode = v;
      return this;
    }

    /**
     * Whether the data's soft labels {@code p_chosen} are the targets ({@link LabelMode#SOFT}; pairs without one count
     * as p = 1) or ignored ({@link LabelMode#HARD}); default hard (TRL has no soft labels).
     */
    public Builder labelMode(LabelMode v) {
      this.labelMode = v;
      return this;
    }

    /** Weight of {@code mean((r_c + r_r)²)}; default none ({@code center_rewards_coefficient} None). */
    public Builder centerRewardsCoefficient(double v) {
      this.centerRewardsCoefficient = OptionalDouble.of(v);
      return this;
    }

    /** The configuration; throws {@link IllegalArgumentException} naming the first invalid field. */
    public RewardConfig build() {
      return new RewardConfig(trainingArgs(), marginMode, labelMode, centerRewardsCoefficient);
    }
  }
}
