package dev.align4j.api.kernel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Generalised advantage estimation (Schulman et al. 2016, eq. 16): {@code δ_t = r_t + γ·V_{t+1} − V_t},
 * {@code A_t = Σ_l (γλ)^l δ_{t+l}}; returns {@code A + V}.
 *
 * @param gamma discount γ in [0, 1]
 * @param lambda GAE's λ in [0, 1]
 * @param rewardWhitening whether per-token rewards are whitened (keeping their mean) before the recursion
 * @param placement which score placement produced the rewards; it decides the value mask
 */
public record GaeParams(double gamma, double lambda, RewardWhitening rewardWhitening, ScorePlacement placement) {
  public GaeParams {
    checkArgument(gamma >= 0 && gamma <= 1, "gamma must be in [0, 1], got %s", gamma);
    checkArgument(lambda >= 0 && lambda <= 1, "lambda must be in [0, 1], got %s", lambda);
    checkNotNull(rewardWhitening, "rewardWhitening");
    checkNotNull(placement, "placement");
  }

  /** γ and λ with unwhitened rewards and the score on the last response token. */
  public static GaeParams of(double gamma, double lambda) {
    return new GaeParams(gamma, lambda, RewardWhitening.NONE, ScorePlacement.LAST_RESPONSE_TOKEN);
  }

  /** A copy with another score placement. */
  public GaeParams with(ScorePlacement newPlacement) {
    return new GaeParams(gamma, lambda, rewardWhitening, newPlacement);
  }

  /** A copy with another reward whitening. */
  public GaeParams with(RewardWhitening newWhitening) {
    return new GaeParams(gamma, lambda, newWhitening, placement);
  }

  /** Whether GAE whitens the per-token rewards first (TRL's {@code whiten_rewards}). */
  public enum RewardWhitening {
    /** Rewards enter the recursion as they are. */
    NONE,
    /** Rewards are whitened over the value mask, keeping their mean, then zeroed outside it. */
    WHITEN
  }
}
