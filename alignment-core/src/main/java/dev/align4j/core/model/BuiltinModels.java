package dev.align4j.core.model;

import java.util.OptionalInt;

/**
 * The built-in small configurations, for the demo and the integration tests. {@link #tiny} follows the demo's
 * calibration: a GPT-2-style model with d = 64 and 4 layers, about 0.2M parameters with a character vocabulary,
 * which trains at several steps per second on two CPU cores.
 */
public final class BuiltinModels {
  private BuiltinModels() {}

  /**
   * GPT-2 style, d 64, 4 heads, 4 layers, MLP 256, tied embeddings, gelu_new.
   *
   * @param vocabSize the tokenizer's vocabulary size
   * @param maxPositions the longest sequence (prompt plus completion)
   * @param bos the begin-of-sequence id
   * @param eos the end-of-sequence id
   */
  public static Gpt2Config tiny(int vocabSize, int maxPositions, int bos, int eos) {
    return gpt2(vocabSize, maxPositions, 64, 4, 4, bos, eos);
  }

  /** A GPT-2-style configuration of the given width, heads and depth (MLP 4×width). */
  public static Gpt2Config gpt2(int vocabSize, int maxPositions, int width, int heads, int layers, int bos, int eos) {
    return new Gpt2Config(vocabSize, width, heads, layers, maxPositions, 4 * width, 1e-5,
        Gpt2Config.Activation.GELU_TANH, true, true, OptionalInt.of(bos), OptionalInt.of(eos), "gpt2");
  }
}
