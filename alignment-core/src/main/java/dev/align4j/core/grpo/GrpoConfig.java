package dev.align4j.core.grpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.core.rl.RlArgs;
import java.util.OptionalDouble;

/**
 * GRPO (Shao et al. 2024): several completions per prompt, the group's rewards as the baseline, no value model.
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
}
