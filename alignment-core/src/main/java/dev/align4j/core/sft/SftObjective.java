package dev.align4j.core.sft;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.math.Masked;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Completion-only cross-entropy: the mean over valid labels of {@code −log p(label)} (or the DFT form), so the
 * prompt is conditioned on but never learned (Ouyang et al. 2022, §3.5; TRL's {@code completion_only_loss}).
 *
 * <p>Outputs: {@code loss/total}, {@code num_tokens}, {@code entropy} (mean over valid positions) and
 * {@code mean_token_accuracy} (argmax equals the label).
 */
public record SftObjective(SftLossType lossType) implements Objective<SftBatch> {
  public SftObjective {
    checkNotNull(lossType, "lossType");
  }

  @Override
  public ObjectiveResult compute(SftBatch in) {
    NDArray labels = in.labels().toType(DataType.INT64, false);            // (B, T)
    NDArray valid = labels.neq(SftBatch.IGNORE_INDEX).toType(DataType.FLOAT32, false);
    NDArray safe = labels.maximum(0L);                                      // ignored → 0, masked out below
    NDArray logp = in.logits().logSoftmax(2);                               // (B, T, V)
    NDArray tokenLogp = logp.gather(safe.expandDims(2), 2).squeeze(2);      // (B, T)
    NDArray perToken = switch (lossType) {
      case NLL -> tokenLogp.neg();
      case DFT -> tokenLogp.exp().stopGradient().mul(tokenLogp).neg();
    };
    NDArray loss = Masked.mean(perToken, valid);

    Map<String, NDArray> out = new LinkedHashMap<>();
    NDArray entropy = logp.stopGradient().exp().mul(logp.stopGradient()).sum(new int[] {2}).neg();
    NDArray correct = in.logits().stopGradient().argMax(2).eq(labels).toType(DataType.FLOAT32, false);
    out.put("num_tokens", valid.sum());
    out.put("mean_token_accuracy", Masked.mean(correct, valid));
    out.put("entropy", Masked.mean(entropy, valid));
    return ObjectiveResult.of(loss, out);
  }
}
