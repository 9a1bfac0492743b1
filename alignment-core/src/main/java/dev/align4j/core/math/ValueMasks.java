package dev.align4j.core.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.api.kernel.ScorePlacement;

/** The positions PPO trains its value head on, as NDArrays (the kernel twin lives in the CPU provider). */
public final class ValueMasks {
  private ValueMasks() {}

  /**
   * The value mask of a right-padded response mask {@code (B, T)}: the mask itself, or with TRL parity
   * {@code t ≤ L_b} (the response plus the slot where TRL puts the score).
   */
  public static NDArray of(NDArray mask, ScorePlacement placement) {
    if (placement == ScorePlacement.LAST_RESPONSE_TOKEN) {
      return mask;
    }
    long time = mask.getShape().get(1);
    NDArray lengths = mask.sum(new int[] {1}, true);                        // (B, 1)
    NDArray positions = mask.getManager().arange(0f, (float) time).expandDims(0);  // (1, T)
    return positions.lte(lengths).toType(DataType.FLOAT32, false);
  }
}
