package dev.align4j.core.sft;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;

/**
 * One SFT batch, already shifted: {@code logits[b][t]} predicts {@code labels[b][t]}.
 *
 * @param logits {@code (B, T, V)}
 * @param labels {@code (B, T)} integer ids; {@link #IGNORE_INDEX} marks prompt and padding positions
 */
public record SftBatch(NDArray logits, NDArray labels) {
  /** The label of positions that carry no loss (prompt, padding, non-assistant turns), as in PyTorch. */
  public static final int IGNORE_INDEX = -100;

  public SftBatch {
    checkArgument(logits.getShape().dimension() == 3, "logits must be (B, T, V), got %s", logits.getShape());
    checkArgument(labels.getShape().equals(logits.getShape().slice(0, 2)),
        "labels must be (B, T) = %s, got %s", logits.getShape().slice(0, 2), labels.getShape());
  }
}
