package dev.align4j.core.ppo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.train.VariantNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO for language models (Ziegler et al. 2019; Ouyang et al. 2022), TRL's defaults where they apply. Build with
 * {@link #builder()}.
 *
 * @param rl the options PPO and GRPO share
 * @param ppoEpochs passes over each rollout batch (4)
 * @param numMiniBatches optimizer steps per pass (1)
 * @param clipRange ε of the clipped surrogate (0.2)
 * @param clipRangeValue clip of the value update (0.2)
 * @param valueCoefficient weight of the value loss (0.1)
 * @param gamma discount γ (1.0)
 * @param lambda GAE λ (0.95)
 * @param klEstimator per-token KL in the rewards: k1 (TRL's default) or k3
 * @param scorePlacement where the score lands (the paper's last response token by default; TRL parity as option)
 */
public record PpoConfig(RlArgs rl, int ppoEpochs, int numMiniBatches, double clipRange, double clipRangeValue,
    double valueCoefficient, double gamma, double lambda, KlEstimator klEstimator, ScorePlacement scorePlacement) {
  public PpoConfig {
    checkNotNull(rl, "rl");
    checkArgument(ppoEpochs >= 1, "ppo-epochs must be >= 1, got %s", ppoEpochs);
    checkArgument(numMiniBatches >= 1 && rl.batchSize() % numMiniBatches == 0,
        "num-mini-batches must be >= 1 and divide batch-size (every mini-batch the same size, so each iteration"
            + " takes ppo-epochs x num-mini-batches optimizer steps and the schedule ends where planned), got"
            + " num-mini-batches %s for batch-size %s; choose a divisor of %s", numMiniBatches, rl.batchSize(),
        rl.batchSize());
    checkArgument(clipRange > 0 && clipRange < 1, "cliprange must be in (0, 1), got %s", clipRange);
    checkArgument(clipRangeValue > 0, "cliprange-value must be > 0, got %s", clipRangeValue);
    checkArgument(valueCoefficient >= 0, "vf-coef must be >= 0, got %s", valueCoefficient);
    checkArgument(gamma >= 0 && gamma <= 1 && lambda >= 0 && lambda <= 1, "gamma and lam must be in [0, 1]");
    checkArgument(klEstimator == KlEstimator.K1 || klEstimator == KlEstimator.K3,
        "kl-estimator must be k1 or k3, got %s", klEstimator);
    checkNotNull(scorePlacement, "scorePlacement");
  }

  /**
   * A builder with TRL's PPO defaults: learning rate 3e-6, 8 prompts per iteration, 53 new tokens at temperature 0.7,
   * β 0.05 with k1, 4 PPO epochs of 1 mini-batch, clip 0.2, value clip 0.2, vf-coef 0.1, γ 1, λ 0.95; the score on the
   * last response token (the paper; TRL's placement is {@link ScorePlacement#AFTER_RESPONSE_TRL}).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder().rl(rl).ppoEpochs(ppoEpochs).numMiniBatches(numMiniBatches).clipRange(clipRange)
        .clipRangeValue(clipRangeValue).valueCoefficient(valueCoefficient).gamma(gamma).lambda(lambda)
        .klEstimator(klEstimator).scorePlacement(scorePlacement);
  }

  /** Every option under the command line's names, for {@code config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(rl.toMap());
    m.put("ppo-epochs", ppoEpochs);
    m.put("num-mini-batches", numMiniBatches);
    m.put("cliprange", clipRange);
    m.put("cliprange-value", clipRangeValue);
    m.put("vf-coef", valueCoefficient);
    m.put("gamma", gamma);
    m.put("lam", lambda);
    m.put("kl-estimator", VariantNames.of(klEstimator));
    m.put("score-at", scorePlacement == ScorePlacement.LAST_RESPONSE_TOKEN ? "last-token" : "trl");
    return m;
  }

  /** Builds a {@link PpoConfig}; each setter names its default and TRL's field. */
  public static final class Builder extends RlArgs.AbstractBuilder<Builder> {
    private int ppoEpochs = 4;
    private int numMiniBatches = 1;
    private double clipRange = 0.2;
    private double clipRangeValue = 0.2;
    private double valueCoefficient = 0.1;
    private double gamma = 1.0;
    private double lambda = 0.95;
    private KlEstimator klEstimator = KlEstimator.K1;
    private ScorePlacement scorePlacement = ScorePlacement.LAST_RESPONSE_TOKEN;

    Builder() {
      super(3e-6, 8, 53, 0.7, 0.05);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Passes over each rollout batch; default 4 ({@code num_ppo_epochs}). */
    public Builder ppoEpochs(int v) {
      this.ppoEpochs = v;
      return this;
    }

    /** Optimizer steps per pass; must divide the batch; default 1 ({@code num_mini_batches}). */
    public Builder numMiniBatches(int v) {
      this.numMiniBatches = v;
      return this;
    }

    /** ε of the clipped surrogate; default 0.2 ({@code cliprange}). */
    public Builder clipRange(double v) {
      this.clipRange = v;
      return this;
    }

    /** Clip of the value update; default 0.2 ({@code cliprange_value}). */
    public Builder clipRangeValue(double v) {
      this.clipRangeValue = v;
      return this;
    }

    /** Weight of the value loss; default 0.1 ({@code vf_coef}). */
    public Builder valueCoefficient(double v) {
      this.valueCoefficient = v;
      return this;
    }

    /** Discount γ; default 1.0 ({@code gamma}). */
    public Builder gamma(double v) {
      this.gamma = v;
      return this;
    }

    /** GAE's λ; default 0.95 ({@code lam}). */
    public Builder lambda(double v) {
      this.lambda = v;
      return this;
    }

    /** Per-token KL in the rewards, k1 or k3; default k1 ({@code kl_estimator}). */
    public Builder klEstimator(KlEstimator v) {
      this.klEstimator = v;
      return this;
    }

    /** Where the score lands; default the last response token (the paper's; TRL parity on request). */
    public Builder scorePlacement(ScorePlacement v) {
      this.scorePlacement = v;
      return this;
    }

    /** The configuration; throws {@link IllegalArgumentException} naming the first invalid field. */
    public PpoConfig build() {
      return new PpoConfig(rlArgs(), ppoEpochs, numMiniBatches, clipRange, clipRangeValue, valueCoefficient, gamma,
          lambda, klEstimator, scorePlacement);
    }
  }
}
