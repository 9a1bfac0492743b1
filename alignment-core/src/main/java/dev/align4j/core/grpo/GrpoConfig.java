package dev.align4j.core.grpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.train.VariantNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * GRPO (Shao et al. 2024): several completions per prompt, the group's rewards as the baseline, no value model.
 * Build with {@link #builder()}.
 *
 * @param rl the options PPO and GRPO share ({@code batchSize} counts prompts; each gets {@code numGenerations})
 * @param numGenerations completions per prompt, G ≥ 2
 * @param lossType the loss variant and its aggregation
 * @param epsilonLow lower clip ε_l (0.2)
 * @param epsilonHigh upper clip ε_h (0.2; DAPO's clip-higher 0.28)
 * @param delta optional cap on the ratio (two-sided clipping)
 * @param scaleRewards how group-centred rewards are scaled
 * @param aggregation how several reward functions combine
 * @param importanceSampling token- or sequence-level ratios
 * @param numIterations updates per batch μ (1: on-policy)
 * @param numMiniBatches optimizer steps per pass
 */
public record GrpoConfig(RlArgs rl, int numGenerations, GrpoLossType lossType, double epsilonLow,
    double epsilonHigh, OptionalDouble delta, RewardScaling scaleRewards, MultiRewardAggregation aggregation,
    ImportanceSampling importanceSampling, int numIterations, int numMiniBatches) {
  public GrpoConfig {
    checkNotNull(rl, "rl");
    checkArgument(numGenerations >= 2, "num-generations must be >= 2 (the group mean is the baseline), got %s",
        numGenerations);
    checkNotNull(lossType, "lossType");
    checkNotNull(delta, "delta");
    checkNotNull(scaleRewards, "scaleRewards");
    checkNotNull(aggregation, "aggregation");
    checkNotNull(importanceSampling, "importanceSampling");
    checkArgument(numIterations >= 1, "num-iterations must be >= 1, got %s", numIterations);
    int rows = rl.batchSize() * numGenerations;
    checkArgument(numMiniBatches >= 1 && rows % numMiniBatches == 0,
        "num-mini-batches must be >= 1 and divide the completions per iteration (batch-size %s x num-generations %s"
            + " = %s), so every mini-batch has the same size and each iteration takes num-iterations x"
            + " num-mini-batches optimizer steps; got num-mini-batches %s", rl.batchSize(), numGenerations, rows,
        numMiniBatches);
  }

  /** The loss objective. */
  public GrpoObjective objective() {
    return new GrpoObjective(lossType, epsilonLow, epsilonHigh, rl.beta(), delta, importanceSampling,
        KlCorrection.NONE, java.util.OptionalInt.empty(), 1);
  }

  /**
   * A builder with TRL's GRPO defaults: learning rate 1e-6, one prompt of 8 generations per iteration, 256 new tokens
   * at temperature 1, β 0 (no reference), the DAPO loss, ε 0.2, group scaling, one iteration of one mini-batch.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    Builder b = new Builder().rl(rl).numGenerations(numGenerations).lossType(lossType).epsilon(epsilonLow)
        .epsilonHigh(epsilonHigh).scaleRewards(scaleRewards).aggregation(aggregation)
        .importanceSampling(importanceSampling).numIterations(numIterations).numMiniBatches(numMiniBatches);
    delta.ifPresent(b::delta);
    return b;
  }

  /** Every option under the command line's names, for {@code config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(rl.toMap());
    m.put("num-generations", numGenerations);
    m.put("loss-type", VariantNames.of(lossType));
    m.put("epsilon", epsilonLow);
    m.put("epsilon-high", epsilonHigh);
    m.put("delta", delta.isPresent() ? delta.getAsDouble() : null);
    m.put("scale-rewards", VariantNames.of(scaleRewards));
    m.put("multi-objective-aggregation", VariantNames.of(aggregation));
    m.put("importance-sampling-level", VariantNames.of(importanceSampling));
    m.put("num-iterations", numIterations);
    m.put("num-mini-batches", numMiniBatches);
    return m;
  }

  /** Builds a {@link GrpoConfig}; each setter names its default and TRL's field. */
  public static final class Builder extends RlArgs.AbstractBuilder<Builder> {
    private int numGenerations = 8;
    private GrpoLossType lossType = new GrpoLossType.Dapo();
    private double epsilonLow = 0.2;
    private Double epsilonHigh;
    private OptionalDouble delta = OptionalDouble.empty();
    private RewardScaling scaleRewards = RewardScaling.GROUP;
    private MultiRewardAggregation aggregation = MultiRewardAggregation.SUM_THEN_NORMALIZE;
    private ImportanceSampling importanceSampling = ImportanceSampling.TOKEN;
    private int numIterations = 1;
    private int numMiniBatches = 1;

    Builder() {
      super(1e-6, 1, 256, 1.0, 0.0);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Completions per prompt, at least 2; default 8 ({@code num_generations}). */
    public Builder numGenerations(int v) {
      this.numGenerations = v;
      return this;
    }

    /** The loss variant and its aggregation; default DAPO ({@code loss_type} "dapo"). */
    public Builder lossType(GrpoLossType v) {
      this.lossType = v;
      return this;
    }

    /** Lower clip ε; default 0.2 ({@code epsilon}). */
    public Builder epsilon(double v) {
      this.epsilonLow = v;
      return this;
    }

    /** Upper clip; default the lower one ({@code epsilon_high} None; DAPO's clip-higher is 0.28). */
    public Builder epsilonHigh(double v) {
      this.epsilonHigh = v;
      return this;
    }

    /** Cap on the ratio (two-sided clipping); default none ({@code delta}). */
    public Builder delta(double v) {
      this.delta = OptionalDouble.of(v);
      return this;
    }

    /** How group-centred rewards are scaled; default by the group's std ({@code scale_rewards} "group"). */
    public Builder scaleRewards(RewardScaling v) {
      this.scaleRewards = v;
      return this;
    }

    /** How several rewards combine; default sum then normalise ({@code multi_objective_aggregation}). */
    public Builder aggregation(MultiRewardAggregation v) {
      this.aggregation = v;
      return this;
    }

    /** Token or sequence (GSPO) ratios; default token ({@code importance_sampling_level}). */
    public Builder importanceSampling(ImportanceSampling v) {
      this.importanceSampling = v;
      return this;
    }

    /** Updates per generation μ; default 1 ({@code num_iterations}). */
    public Builder numIterations(int v) {
      this.numIterations = v;
      return this;
    }

    /** Optimizer steps per pass; must divide the completions per iteration; default 1. */
    public Builder numMiniBatches(int v) {
      this.numMiniBatches = v;
      return this;
    }

    /** The configuration; throws {@link IllegalArgumentException} naming the first invalid field. */
    public GrpoConfig build() {
      return new GrpoConfig(rlArgs(), numGenerations, lossType, epsilonLow,
          epsilonHigh == null ? epsilonLow : epsilonHigh, delta, scaleRewards, aggregation, importanceSampling,
          numIterations, numMiniBatches);
    }
  }
}
