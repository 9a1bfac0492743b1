package dev.align4j.core.reward;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.math.Sigmoids;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The Bradley–Terry reward-model loss {@code mean(−log σ(r_c − r_r − m))} (Ouyang et al. 2022, eq. 1; margin from
 * Touvron et al. 2023), or with soft labels p = P(chosen ≻ rejected) the cross-entropy
 * {@code mean(−[p·log σ(r_c − r_r) + (1 − p)·log σ(r_r − r_c)])} ({@link LabelMode#SOFT}, Bai et al. 2022 §4.1),
 * plus the optional centring term {@code coef·mean((r_c + r_r)²)} of Eisenstein et al. 2023 that keeps rewards near
 * zero. The loss depends only on differences (the centring term aside), so shifting both rewards changes nothing;
 * with soft labels, swapping chosen and rejected and replacing p by 1 − p changes nothing either.
 *
 * <p>Outputs: {@code accuracy} (strictly {@code r_c > r_r}, against the chosen side whatever p says), {@code margin}
 * (mean {@code r_c − r_r}, margins not subtracted).
 *
 * @param marginMode whether per-pair margins are subtracted; {@link MarginMode#GIVEN} is refused with soft labels
 * @param labelMode hard labels, or the batch's soft labels {@code pChosen}
 * @param centerRewardsCoefficient TRL's {@code center_rewards_coefficient}; empty for none
 */
public record BradleyTerryObjective(MarginMode marginMode, LabelMode labelMode,
    OptionalDouble centerRewardsCoefficient) implements Objective<RewardPairBatch> {
  public BradleyTerryObjective {
    checkNotNull(marginMode, "marginMode");
    checkNotNull(labelMode, "labelMode");
    checkNotNull(centerRewardsCoefficient, "centerRewardsCoefficient (use OptionalDouble.empty())");
    centerRewardsCoefficient.ifPresent(c -> checkArgument(c >= 0 && Double.isFinite(c),
        "centerRewardsCoefficient must be finite and >= 0, got %s", c));
    checkArgument(!(labelMode == LabelMode.SOFT && marginMode == MarginMode.GIVEN),
        "labelMode SOFT cannot be combined with marginMode GIVEN: a soft label and a margin both say how strongly "
            + "chosen wins (use one: MarginMode.NONE with soft labels, or LabelMode.HARD with margins)");
  }

  /** Hard labels with the given margins and centring (the objective before soft labels existed). */
  public BradleyTerryObjective(MarginMode marginMode, OptionalDouble centerRewardsCoefficient) {
    this(marginMode, LabelMode.HARD, centerRewardsCoefficient);
  }

  /** Plain Bradley–Terry without margins or centring. */
  public static BradleyTerryObjective plain() {
    return new BradleyTerryObjective(MarginMode.NONE, LabelMode.HARD, OptionalDouble.empty());
  }

  /** Soft-label Bradley–Terry without centring. */
  public static BradleyTerryObjective soft() {
    return new BradleyTerryObjective(MarginMode.NONE, LabelMode.SOFT, OptionalDouble.empty());
  }

  /**
   * One pair's soft-label loss {@code −[p·log σ(d) + (1 − p)·log σ(−d)]} in double precision, for evaluation (the
   * held-out {@code soft_loss}); {@code d = r_c − r_r}.
   */
  static double softLoss(double d, double p) {
    return -(p * logSigmoid(d) + (1 - p) * logSigmoid(-d));
  }

  /** {@code log σ(x) = −log(1 + e^{−x})}, written so that neither branch overflows. */
  private static double logSigmoid(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }

  @Override
  public ObjectiveResult compute(RewardPairBatch in) {
    NDArray diff = in.chosen().sub(in.rejected());                          // (N)
    NDArray perPair;                                                        // (N) −log-likelihood of each label
    if (labelMode == LabelMode.SOFT) {
      NDArray p = in.pChosen().orElseThrow(() -> new IllegalArgumentException(
          "labelMode SOFT needs per-pair soft labels pChosen in the batch; the batch has none (use LabelMode.HARD)"));
      // p·log σ(d) + (1 − p)·log σ(−d). At p = 1 this is bitwise HARD's log σ(d): 1·x = x, (1 − 1)·y = ±0 and
      // x + ±0 = x, for every finite y. Written as two log σ rather than log σ(d) − (1 − p)·d so that the value
      // is the formula's and the gradient σ(d) − p comes from the same stable softplus as HARD's.
      NDArray q = p.neg().add(1f);                                          // (N) 1 − p, exact for p ≥ 0.5
      perPair = p.mul(Sigmoids.logSigmoid(diff)).add(q.mul(Sigmoids.logSigmoid(diff.neg()))).neg();
    } else {
      NDArray logits = diff;
      if (marginMode == MarginMode.GIVEN) {
        NDArray m = in.margins().orElseThrow(() -> new IllegalArgumentException(
            "marginMode GIVEN needs per-pair margins in the batch; the data has none (use MarginMode.NONE)"));
        logits = diff.sub(m);
      }
      perPair = Sigmoids.logSigmoid(logits).neg();
    }
    NDArray loss = perPair.mean();
    if (centerRewardsCoefficient.isPresent()) {
      NDArray center = in.chosen().add(in.rejected()).square().mean();
      loss = loss.add(mul(center, centerRewardsCoefficient.getAsDouble()));
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    NDArray d = diff.stopGradient();
    out.put("accuracy", d.gt(0f).toType(DataType.FLOAT32, false).mean());
    out.put("margin", d.mean());
    return ObjectiveResult.of(loss, out);
  }
}
