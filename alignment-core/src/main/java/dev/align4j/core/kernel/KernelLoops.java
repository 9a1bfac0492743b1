package dev.align4j.core.kernel;

import dev.align4j.api.kernel.KlEstimator;

/**
 * The inner loops of {@link CpuKernelProvider}, over validated arguments and a range of rows or elements, in two
 * implementations: {@link ScalarLoops} (plain Java, the reference) and {@code VectorLoops} (the Vector API, compiled
 * from {@code src/main/java-vector} and loaded only when {@code jdk.incubator.vector} is present). Both read every
 * input once and allocate nothing.
 */
interface KernelLoops {

  /** {@code out[r] = x[r][tokens[r]] − logsumexp(x[r])}, {@code x = logits·invTemperature}, rows {@code [from, to)}. */
  void tokenLogprobs(float[] logits, int[] tokens, int vocab, float invTemperature, int from, int to, float[] out);

  /** {@code out[r]} = entropy of {@code softmax(logits[r]·invTemperature)}, rows {@code [from, to)}. */
  void entropy(float[] logits, int vocab, float invTemperature, int from, int to, float[] out);

  /** {@code out[r] = KL(softmax(logits[r]) ‖ softmax(refLogits[r]))}, rows {@code [from, to)}. */
  void fullKl(float[] logits, float[] refLogits, int vocab, int from, int to, float[] out);

  /**
   * The per-token KL estimate for elements {@code [from, to)}; where {@code mask} is non-null and 0 the output is
   * exactly 0.
   */
  void klPerToken(float[] logprobs, float[] refLogprobs, float[] mask, KlEstimator estimator, int from, int to,
      float[] out);
}
