package dev.align4j.core.sft;

/** Whether SFT packs several short examples into one row (TRL's {@code packing}). */
public enum Packing {
  /** One example per row, padded to the longest in the micro-batch. */
  NONE,
  /**
   * Examples concatenated into rows of {@code maxLength} tokens; attention and positions restart at each example, so
   * packing changes the speed, not the numbers (TRL's padding-free packing with position ids).
   */
  PACKED
}
