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
  /**
   * Validates the fields; throws {@link IllegalArgumentException} for a γ or λ outside [0, 1] (NaN included) and
   * {@link NullPointerException} for a null enum, naming the field.
   *
   * @param gamma discount γ in [0, 1]; 1 does not discount
   * @param lambda λ in [0, 1]; 0 gives the one-step TD error, 1 the discounted return minus the value
   * @param rewardWhitening not null
   * @param placement not null
   */
  public GaeParams {
    checkArgument(gamma >= 0 && gamma <= 1, "gamma must be in [0, 1], got %s", gamma);
    checkArgument(lambda >= 0 && lambda <= 1, "lambda must be in [0, 1], got %s", lambda);
    checkNotNull(rewardWhitening, "rewardWhitening");
    checkNotNull(placement, "placement");
  }

  /**
   * γ and λ with unwhitened rewards and the score on the last response token.
   *
   * @param gamma discount γ in [0, 1]
   * @param lambda GAE's λ in [0, 1]
   * @return parameters with {@link RewardWhitening#NONE} and {@link ScorePlacement#LAST_RESPONSE_TOKEN}
   */
  public static GaeParams of(double gamma, double lambda) {
    return new GaeParams(gamma, lambda, RewardWhitening.NONE, ScorePlacement.LAST_RESPONSE_TOKEN);
  }

  /**
   * A copy with another score placement.
   *
   * @param newPlacement the placement that produced the rewards, which decides the value mask; not null
   * @return a copy with every other field unchanged
   */
  public GaeParams with(ScorePlacement newPlacement) {
    return new GaeParams(gamma, lambda, rewardWhitening, newPlacement);
  }

  /**
   * A copy with another reward whitening.
   *
   * @param newWhitening whether rewards are whitened before the recursion; not null
   * @return a copy with every other field unchanged
   */
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
