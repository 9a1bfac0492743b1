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
 * Touvron et al. 2023), plus the optional centring term {@code coef·mean((r_c + r_r)²)} of Eisenstein et al. 2023
 * that keeps rewards near zero. The loss depends only on differences, so shifting both rewards changes nothing.
 *
 * <p>Outputs: {@code accuracy} (strictly {@code r_c > r_r}), {@code margin} (mean {@code r_c − r_r}, margins not
 * subtracted).
 *
 * @param marginMode whether per-pair margins are subtracted
 * @param centerRewardsCoefficient TRL's {@code center_rewards_coefficient}; empty for none
 */
public record BradleyTerryObjective(MarginMode marginMode, OptionalDouble centerRewardsCoefficient)
    implements Objective<RewardPairBatch> {
  public BradleyTerryObjective {
    checkNotNull(marginMode, "marginMode");
    checkNotNull(centerRewardsCoefficient, "centerRewardsCoefficient (use OptionalDouble.empty())");
    centerRewardsCoefficient.ifPresent(c -> checkArgument(c >= 0 && Double.isFinite(c),
        "centerRewardsCoefficient must be finite and >= 0, got %s", c));
  }

  /** Plain Bradley–Terry without margins or centring. */
  public static BradleyTerryObjective plain() {
    return new BradleyTerryObjective(MarginMode.NONE, OptionalDouble.empty());
  }

  @Override
  public ObjectiveResult compute(RewardPairBatch in) {
    NDArray diff = in.chosen().sub(in.rejected());                          // (N)
    NDArray logits = diff;
    if (marginMode == MarginMode.GIVEN) {
      NDArray m = in.margins().orElseThrow(() -> new IllegalArgumentException(
          "marginMode GIVEN needs per-pair margins in the batch; the data has none (use MarginMode.NONE)"));
      logits = diff.sub(m);
    }
    NDArray loss = Sigmoids.logSigmoid(logits).neg().mean();
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
