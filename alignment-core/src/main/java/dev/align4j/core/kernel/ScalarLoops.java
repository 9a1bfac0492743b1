package dev.align4j.core.kernel;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.RewardScaling;

/**
 * The plain-Java {@link KernelLoops}: {@link SoftmaxRows} per row, {@link KlEstimator#apply} per token,
 * {@link AdvantageKernels} per group. The checks avoid data-dependent branches where a random 0/1 mask would make
 * the branch predictor guess wrong on every tenth element.
 */
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

  @Override
  public boolean isBinary(float[] x, int from, int to) {
    long bad = 0;
    for (int i = from; i < to; i++) {
      int b = Float.floatToRawIntBits(x[i]);
      bad |= (long) b * (b - 0x3F800000L); // 0 exactly for the bits of +0 and 1 (a 64-bit product cannot wrap)
    }
    return bad == 0 || isBinarySlow(x, from, to);
  }

  /** The same question with float comparisons, for the rare masks holding −0. */
  private static boolean isBinarySlow(float[] x, int from, int to) {
    for (int i = from; i < to; i++) {
      if (x[i] != 0f && x[i] != 1f) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean allFinite(float[] x, int from, int to) {
    for (int i = from; i < to; i++) {
      if ((Float.floatToRawIntBits(x[i]) & 0x7F800000) == 0x7F800000) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int prefixLength(float[] mask, int from, int n) {
    int i = 0;
    while (i < n && mask[from + i] == 1f) {
      i++;
    }
    int len = i;
    for (; i < n; i++) {
      if (mask[from + i] != 0f) {
        return -1;
      }
    }
    return len;
  }

  @Override
  public void shiftScale(float[] x, int from, int to, float shiftHi, float shiftLo, float scale, float[] out) {
    for (int i = from; i < to; i++) {
      out[i] = ((x[i] - shiftHi) - shiftLo) * scale;
    }
  }

  @Override
  public boolean groupAdvantages(float[] rewards, int groupSize, RewardScaling scaling, double batchScale,
      int from, int to, float[] out) {
    return AdvantageKernels.groupAdvantages(rewards, groupSize, scaling, batchScale, from, to, out);
  }

  @Override
  public double gaeSpan(float[] rewards, float[] values, int lo, int hi, double nextValue, double next,
      double gamma, double c, double rewardScale, double rewardShift, float[] raw, float[] returns,
      double[] moments) {
    return AdvantageKernels.gaeSpan(rewards, values, lo, hi, nextValue, next, gamma, c, rewardScale, rewardShift,
        raw, returns, moments);
  }

  @Override
  public double discountedSums(float[] rewards, int lo, int hi, double c, float[] raw, float[] returns) {
    return AdvantageKernels.discountedSums(rewards, lo, hi, c, raw, returns);
  }
}
