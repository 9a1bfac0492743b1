package dev.align4j.core.ppo;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.math.Masked;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO's clipped surrogate (Schulman et al. 2017, eq. 7), as a loss to minimise:
 * {@code mean_mask(max(−A·ρ, −A·clip(ρ, 1−c, 1+c)))} with {@code ρ = exp(logπ − logπ_old)}.
 *
 * <p>{@code logπ_old} is detached, so at {@code ρ = 1} the gradient is {@code −A·∇logπ} (the ratio stays in the
 * graph even when the log-probs are equal).
 *
 * <p>Outputs: {@code policy/clipfrac} (strictly clipped share of valid tokens), {@code policy/approx_kl}
 * ({@code ½·mean d²}) and {@code policy/ratio_mean}. The last two average over all {@code B·T} positions, padding
 * included (padding contributes {@code d = 0}, {@code ρ = 1}), as TRL logs them.
 *
 * @param clipRange c, the clip range ε of the paper (TRL's {@code cliprange}, default 0.2)
 */
public record PpoPolicyObjective(double clipRange) implements Objective<PpoPolicyBatch> {
  public PpoPolicyObjective {
    checkArgument(clipRange >= 0 && clipRange < 1, "clipRange must be in [0, 1), got %s", clipRange);
  }

  @Override
  public ObjectiveResult compute(PpoPolicyBatch in) {
    NDArray mask = in.mask();                                              // (B, T)
    NDArray d = in.logprobs().sub(in.oldLogprobs().stopGradient()).mul(mask);
    NDArray ratio = d.exp();
    NDArray a = in.advantages().stopGradient();
    NDArray unclipped = a.mul(ratio).neg();
    NDArray clipped = a.mul(ratio.clip(1 - clipRange, 1 + clipRange)).neg();
    NDArray loss = Masked.mean(unclipped.maximum(clipped), mask);

    Map<String, NDArray> out = new LinkedHashMap<>();
    NDArray ds = d.stopGradient();
    long positions = ds.size();
    out.put("policy/clipfrac",
        Masked.mean(clipped.stopGradient().gt(unclipped.stopGradient()).toType(DataType.FLOAT32, false), mask));
    out.put("policy/approx_kl", ds.square().sum().mul(0.5f / positions));
    out.put("policy/ratio_mean", ratio.stopGradient().sum().div((float) positions));
    return ObjectiveResult.of(loss, out);
  }
}
