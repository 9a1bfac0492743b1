package dev.align4j.core.kernel;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.RewardScaling;

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

  /** Whether every element of {@code x[from..to)} is exactly 0 or 1 ({@code −0} counts as 0). */
  boolean isBinary(float[] x, int from, int to);

  /** Whether every element of {@code x[from..to)} is finite. */
  boolean allFinite(float[] x, int from, int to);

  /**
   * The length of the mask row {@code mask[from..from+n)} if it is a right-padded prefix {@code 1…1 0…0}, else −1
   * (a value other than 0 or 1, or a 1 after a 0).
   */
  int prefixLength(float[] mask, int from, int n);

  /**
   * {@code out[i] = ((x[i] − shiftHi) − shiftLo) · scale} for {@code i} in {@code [from, to)}. The shift is a double
   * split into two floats ({@code shiftHi = (float) shift}, {@code shiftLo = (float) (shift − shiftHi)}), so values
   * near the shift lose nothing to its rounding.
   */
  void shiftScale(float[] x, int from, int to, float shiftHi, float shiftLo, float scale, float[] out);

  /**
   * GRPO advantages of the whole groups in {@code [from, to)}: each reward minus its group's mean, divided by the
   * group's unbiased standard deviation plus ε ({@link RewardScaling#GROUP}), multiplied by {@code batchScale}
   * ({@link RewardScaling#BATCH}: the caller's {@code 1/(σ_batch + ε)}), or left centred ({@link RewardScaling#NONE}).
   * An all-equal group gives exactly 0.
   *
   * @return false when some reward was not finite (checked on the way, to spare a pass; the outputs are then
   *     meaningless)
   */
  boolean groupAdvantages(float[] rewards, int groupSize, RewardScaling scaling, double batchScale, int from,
      int to, float[] out);

  /**
   * GAE's backward recursion over a span of one row where every position is on the value mask; see
   * {@link AdvantageKernels#gaeSpan}, which is the scalar implementation.
   */
  double gaeSpan(float[] rewards, float[] values, int lo, int hi, double nextValue, double next, double gamma,
      double c, double rewardScale, double rewardShift, float[] raw, float[] returns, double[] moments);

  /** {@code A[t] = r[t] + c·A[t+1]} from {@code A[hi] = 0}; see {@link AdvantageKernels#discountedSums}. */
  double discountedSums(float[] rewards, int lo, int hi, double c, float[] raw, float[] returns);
}
