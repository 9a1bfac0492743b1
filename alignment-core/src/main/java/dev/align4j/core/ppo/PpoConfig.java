package dev.align4j.core.ppo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.rl.RlArgs;

/**
 * PPO for language models (Ziegler et al. 2019; Ouyang et al. 2022), TRL's defaults where they apply.
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
}
