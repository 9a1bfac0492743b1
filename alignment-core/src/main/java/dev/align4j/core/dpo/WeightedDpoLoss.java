package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One term of a combined DPO loss (e.g. MPO: {@code sigmoid} + {@code bco_pair} + {@code sft}).
 *
 * @param type the loss
 * @param weight its weight; finite
 */
public record WeightedDpoLoss(DpoLossType type, double weight) {
  public WeightedDpoLoss {
    checkNotNull(type, "type");
    checkArgument(Double.isFinite(weight), "weight must be finite, got %s", weight);
  }
}
