package dev.align4j.core.ppo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.math.Masked;
import dev.align4j.core.math.ValueMasks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO's clipped value loss {@code ½·mean_vm(max((V−R)², (V_clip−R)²))} with
 * {@code V_clip = clip(V, V_old − c, V_old + c)} (the form of OpenAI's baselines and TRL).
 *
 * <p>The value mask follows the score placement: the response tokens by default; with
 * {@link ScorePlacement#AFTER_RESPONSE_TRL} also the slot after the response, as TRL trains it.
 *
 * <p>Outputs: {@code loss/value} (the same value as the loss), {@code value/clipfrac} (strictly clipped share) and
 * {@code value_mask}.
 *
 * @param clipRangeValue c (TRL's {@code cliprange_value}, default 0.2)
 * @param placement the score placement the rewards were built with
 */
public record PpoValueObjective(double clipRangeValue, ScorePlacement placement)
    implements Objective<PpoValueBatch> {
  public PpoValueObjective {
    checkArgument(clipRangeValue >= 0 && Double.isFinite(clipRangeValue),
        "clipRangeValue must be finite and >= 0, got %s", clipRangeValue);
    checkNotNull(placement, "placement");
  }

  @Override
  public ObjectiveResult compute(PpoValueBatch in) {
    NDArray vm = ValueMasks.of(in.mask(), placement);                       // (B, T)
    NDArray v = in.values().mul(vm);
    NDArray old = in.oldValues().stopGradient().mul(vm);
    NDArray ret = in.returns().stopGradient();
    float c = (float) clipRangeValue;
    NDArray vClipped = v.maximum(old.sub(c)).minimum(old.add(c));  // bounds are arrays: safe
    NDArray lossUnclipped = v.sub(ret).square();
    NDArray lossClipped = vClipped.sub(ret).square();
    NDArray loss = mul(Masked.mean(lossUnclipped.maximum(lossClipped), vm), 0.5);

    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("loss/value", loss.stopGradient());
    out.put("value/clipfrac", Masked.mean(
        lossClipped.stopGradient().gt(lossUnclipped.stopGradient()).toType(DataType.FLOAT32, false), vm));
    out.put("value_mask", vm.toType(DataType.INT32, false));
    return ObjectiveResult.of(loss, out);
  }
}
