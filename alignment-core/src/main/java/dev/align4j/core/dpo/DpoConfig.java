package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.core.train.TrainingArgs;
import java.util.List;

/**
 * DPO training.
 *
 * @param training the shared training options
 * @param beta β, the leash to the reference (0.1 in Rafailov et al. 2023)
 * @param losses the loss type(s) with weights
 * @param divergence the f-divergence
 * @param klMaxNewTokens tokens sampled per held-out prompt for the KL-to-reference evaluation
 */
public record DpoConfig(TrainingArgs training, double beta, List<WeightedDpoLoss> losses, FDivergence divergence,
    int klMaxNewTokens) {
  public DpoConfig {
    checkNotNull(training, "training");
    checkArgument(beta > 0 && Double.isFinite(beta), "beta must be finite and > 0, got %s", beta);
    checkNotNull(losses, "losses");
    checkArgument(!losses.isEmpty(), "losses must name at least one loss type");
    losses = List.copyOf(losses);
    checkNotNull(divergence, "divergence");
    checkArgument(klMaxNewTokens >= 1, "klMaxNewTokens must be >= 1, got %s", klMaxNewTokens);
  }

  /** The objective. */
  public DpoObjective objective() {
    return new DpoObjective(beta, losses, divergence);
  }
}
