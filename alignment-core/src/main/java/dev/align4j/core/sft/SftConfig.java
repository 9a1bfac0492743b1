package dev.align4j.core.sft;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.core.train.TrainingArgs;

/**
 * Supervised fine-tuning.
 *
 * @param training the shared training options
 * @param lossType NLL (cross-entropy) or DFT
 * @param packing one example per row, or packed rows
 */
public record SftConfig(TrainingArgs training, SftLossType lossType, Packing packing) {
  public SftConfig {
    checkNotNull(training, "training");
    checkNotNull(lossType, "lossType");
    checkNotNull(packing, "packing");
  }
}
