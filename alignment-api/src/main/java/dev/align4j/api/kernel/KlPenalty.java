package dev.align4j.api.kernel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.OptionalDouble;

/**
 * Settings of PPO's KL-penalised per-token rewards {@code r_t = −β·kl_t (+ score at the score position)}
 * (Ziegler et al. 2019, eq. 2; Ouyang et al. 2022, eq. 2).
 *
 * @param klCoef β, the KL coefficient; 0.04–0.2 is the documented range, 0 switches the leash off
 * @param estimator the per-token KL estimator ({@link KlEstimator#K1} or {@link KlEstimator#K3})
 * @param placement where the score lands
 * @param missingEosPenalty subtracted from the score of a completion that did not end with EOS; empty for none
 */
public record KlPenalty(
    double klCoef, KlEstimator estimator, ScorePlacement placement, OptionalDouble missingEosPenalty) {
  /**
   * Validates the fields; throws {@link IllegalArgumentException} for a negative or non-finite β, the
   * {@link KlEstimator#K2} estimator or a non-finite penalty, and {@link NullPointerException} for a null field,
   * naming it.
   *
   * @param klCoef β, finite and {@code >= 0}
   * @param estimator {@link KlEstimator#K1} or {@link KlEstimator#K3}
   * @param placement not null
   * @param missingEosPenalty finite when present; {@link OptionalDouble#empty()} for none, not null
   */
  public KlPenalty {
    checkArgument(klCoef >= 0 && Double.isFinite(klCoef), "klCoef must be finite and >= 0, got %s", klCoef);
    checkNotNull(estimator, "estimator");
    checkArgument(estimator != KlEstimator.K2,
        "estimator must be K1 or K3 for KL-penalised rewards (K2 is a biased, non-linear surrogate), got %s", estimator);
    checkNotNull(placement, "placement");
    checkNotNull(missingEosPenalty, "missingEosPenalty (use OptionalDouble.empty() for none)");
    missingEosPenalty.ifPresent(p -> checkArgument(Double.isFinite(p),
        "missingEosPenalty must be finite, got %s", p));
  }

  /**
   * β with the given estimator, the score on the last response token and no missing-EOS penalty.
   *
   * @param klCoef β, finite and {@code >= 0}; 0 switches the KL penalty off
   * @param estimator {@link KlEstimator#K1} or {@link KlEstimator#K3}
   * @return parameters with {@link ScorePlacement#LAST_RESPONSE_TOKEN} and an empty missing-EOS penalty
   */
  public static KlPenalty of(double klCoef, KlEstimator estimator) {
    return new KlPenalty(klCoef, estimator, ScorePlacement.LAST_RESPONSE_TOKEN, OptionalDouble.empty());
  }

  /**
   * A copy with another score placement.
   *
   * @param newPlacement where the score lands in the copy; not null
   * @return a copy with every other field unchanged
   */
  public KlPenalty with(ScorePlacement newPlacement) {
    return new KlPenalty(klCoef, estimator, newPlacement, missingEosPenalty);
  }

  /**
   * A copy that subtracts {@code penalty} from the score of completions without EOS.
   *
   * @param penalty the amount subtracted, finite; positive punishes truncated completions (TRL's
   *     {@code missing_eos_penalty})
   * @return a copy with every other field unchanged
   */
  public KlPenalty withMissingEosPenalty(double penalty) {
    return new KlPenalty(klCoef, estimator, placement, OptionalDouble.of(penalty));
  }
}
