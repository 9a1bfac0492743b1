package dev.align4j.core.kernel;

import dev.align4j.api.kernel.KlEstimator;

/** The plain-Java {@link KernelLoops}: {@link SoftmaxRows} per row, {@link KlEstimator#apply} per token. */
final class ScalarLoops implements KernelLoops {
  static final ScalarLoops INSTANCE = new ScalarLoops();

  private ScalarLoops() {}

  @Override
  public void tokenLogprobs(float[] logits, int[] tokens, int vocab, float invTemperature, int from, int to,
      float[] out) {
    for (int r = from; r < to; r++) {
      out[r] = SoftmaxRows.tokenLogprob(logits, r * vocab, vocab, tokens[r], invTemperature);
    }
  }

  @Override
  public void entropy(float[] logits, int vocab, float invTemperature, int from, int to, float[] out) {
    for (int r = from; r < to; r++) {
      out[r] = SoftmaxRows.entropy(logits, r * vocab, vocab, invTemperature);
    }
  }

  @Override
  public void fullKl(float[] logits, float[] refLogits, int vocab, int from, int to, float[] out) {
    for (int r = from; r < to; r++) {
      out[r] = SoftmaxRows.fullKl(logits, refLogits, r * vocab, vocab);
    }
  }

  @Override
  public void klPerToken(float[] logprobs, float[] refLogprobs, float[] mask, KlEstimator estimator, int from,
      int to, float[] out) {
    for (int i = from; i < to; i++) {
      out[i] = mask != null && mask[i] == 0f ? 0f : (float) estimator.apply(logprobs[i], refLogprobs[i]);
    }
  }
}
