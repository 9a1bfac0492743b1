package dev.align4j.core.lora;

/**
 * PEFT's {@code bias}: which biases train beside the adapter. align4j supports {@link #NONE} only; the others are
 * named so that an adapter asking for them is refused by name rather than misread.
 */
public enum LoraBias {
  /** {@code "none"}: no bias trains (PEFT's default). */
  NONE,
  /** {@code "all"}: every bias of the model trains (refused: the adapter file would change base biases). */
  ALL,
  /** {@code "lora_only"}: the biases of the adapted modules train (refused, as {@link #ALL}). */
  LORA_ONLY;

  /** PEFT's spelling. */
  public String peftName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
