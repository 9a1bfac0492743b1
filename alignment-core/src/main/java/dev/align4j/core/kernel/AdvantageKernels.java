package dev.align4j.core.kernel;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;
import java.util.Arrays;

/**
 * Kernels over per-token and per-sequence quantities: KL-penalised rewards, GAE, whitening and GRPO group
 * advantages. Arguments arrive shape-checked by {@link CpuKernelProvider}; statistics accumulate in double; nothing
 * allocates.
 */
final class AdvantageKernels {
  /** Added to the variance before the square root when whitening (TRL's {@code whiten}). */
  static final double WHITEN_EPSILON = 1e-8;

  private AdvantageKernels() {}

  /**
   * Per-token rewards {@code −β·kl} plus the (penalised) score at each row's score position. The mask rows are
   * validated prefixes.
   */
  static void klPenalizedRewards(KlPenalty p, KernelLoops loops, float[] scores, float[] logprobs,
      float[] refLogprobs, float[] mask, float[] containEos, int batch, int time, float[] rewardsOut, float[] klOut,
      int[] scoreIndexOut) {
    double coef = p.klCoef();
    for (int b = 0; b < batch; b++) {
      int base = b * time;
      int len = loops.prefixLength(mask, base, time);
      for (int t = 0; t < time; t++) {
        double kl = t < len ? p.estimator().apply(logprobs[base + t], refLogprobs[base + t]) : 0.0;
        if (klOut != null) {
          klOut[base + t] = (float) kl;
        }
        rewardsOut[base + t] = (float) (-coef * kl);
      }
      double score = scores[b];
      if (p.missingEosPenalty().isPresent() && containEos[b] == 0f) {
        score -= p.missingEosPenalty().getAsDouble();
      }
      int j = scoreIndex(p.placement(), len, time, b);
      double klAtJ = j < len ? p.estimator().apply(logprobs[base + j], refLogprobs[base + j]) : 0.0;
      rewardsOut[base + j] = (float) (-coef * klAtJ + score);
      if (scoreIndexOut != null) {
        scoreIndexOut[b] = j;
      }
    }
  }

  /** Where row {@code b}'s score lands. */
  static int scoreIndex(ScorePlacement placement, int len, int time, int b) {
    return switch (placement) {
      case AFTER_RESPONSE_TRL -> len < time ? len : time - 1;
      case LAST_RESPONSE_TOKEN -> {
        if (len == 0) {
          throw new IllegalArgumentException(String.format(
              "mask row %d is empty: with ScorePlacement.LAST_RESPONSE_TOKEN every row needs at least one response"
                  + " token to carry its score (drop empty completions or use AFTER_RESPONSE_TRL)", b));
        }
        yield len - 1;
      }
    };
  }

  /** End of row {@code len}'s value mask: the response, or with TRL parity one slot more, clipped to the row. */
  static int valueEnd(ScorePlacement placement, int len, int time) {
    return placement == ScorePlacement.AFTER_RESPONSE_TRL ? Math.min(len + 1, time) : len;
  }

  /** The index of the first 0 of a validated prefix mask row (its length), by bisection. */
  static int prefixEnd(float[] mask, int base, int time) {
    int lo = 0;
    int hi = time;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (mask[base + mid] == 1f) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * GAE when every mask row is a right-padded prefix (always with TRL parity, the usual case otherwise), row by row
   * in one pass over the inputs: check the row, run the recursion, add the row's raw advantages to the running
   * moments; then one pass whitens. Returns false, possibly after writing part of the outputs, when a row is not a
   * prefix or holds a non-finite reward or value; the caller then validates everything to name the problem, or
   * takes {@link #gaeGeneral} for a mask with holes.
   *
   * @param raw {@code [batch][time]}: the raw-advantage output, or {@code advantagesOut} itself
   * @param moments scratch of 3 doubles
   */
  static boolean gaePrefix(GaeParams p, KernelLoops loops, float[] rewards, float[] values, float[] mask, int batch,
      int time, float[] advantagesOut, float[] raw, float[] returnsOut, double[] moments) {
    boolean whitenRewards = p.rewardWhitening() == GaeParams.RewardWhitening.WHITEN;
    double rewardScale = 1;
    double rewardShift = 0;
    if (whitenRewards) {
      // TRL whitens the rewards over the value mask, keeping their mean, and zeroes them outside it
      Arrays.fill(moments, 0);
      for (int b = 0; b < batch; b++) {
        int base = b * time;
        int len = loops.prefixLength(mask, base, time);
        if (len < 0 || !loops.allFinite(rewards, base, base + time)) {
          return false;
        }
        int vEnd = valueEnd(p.placement(), len, time);
        if (!loops.allFinite(values, base, base + vEnd)) {
          return false;
        }
        addMoments(rewards, base, base + vEnd, moments);
      }
      if (moments[0] < 2) {
        return false;
      }
      double inv = 1.0 / Math.sqrt(moments[2] / (moments[0] - 1) + WHITEN_EPSILON);
      rewardScale = inv;
      rewardShift = moments[1] - moments[1] * inv; // (r − μ)·inv + μ
    }
    double gamma = p.gamma();
    double c = p.gamma() * p.lambda();
    Arrays.fill(moments, 0);
    for (int b = 0; b < batch; b++) {
      int base = b * time;
      int len = loops.prefixLength(mask, base, time);
      if (len < 0) {
        return false;
      }
      int vEnd = valueEnd(p.placement(), len, time);
      if (!whitenRewards
          && (!loops.allFinite(rewards, base, base + time) || !loops.allFinite(values, base, base + vEnd))) {
        return false;
      }
      double a = 0; // A past the row's end
      if (whitenRewards) { // rewards are 0 off the value mask, and so are values: A = 0 there
        Arrays.fill(raw, base + vEnd, base + time, 0f);
        if (returnsOut != null) {
          Arrays.fill(returnsOut, base + vEnd, base + time, 0f);
        }
      } else {
        a = loops.discountedSums(rewards, base + vEnd, base + time, c, raw, returnsOut);
      }
      double nextValue = 0;
      if (vEnd > len) { // TRL's extra value slot: on the value mask, off the response mask
        a = loops.gaeSpan(rewards, values, base + len, base + vEnd, 0, a, gamma, c, rewardScale, rewardShift, raw,
            returnsOut, null);
        nextValue = values[base + len];
      }
      loops.gaeSpan(rewards, values, base, base + len, nextValue, a, gamma, c, rewardScale, rewardShift, raw,
          returnsOut, moments);
    }
    if (moments[0] < 2) {
      return false;
    }
    double mean = moments[1];
    double inv = 1.0 / Math.sqrt(moments[2] / (moments[0] - 1) + WHITEN_EPSILON);
    float meanHi = (float) mean;
    float meanLo = (float) (mean - meanHi);
    for (int b = 0; b < batch; b++) {
      int base = b * time;
      int len = prefixEnd(mask, base, time);
      loops.shiftScale(raw, base, base + len, meanHi, meanLo, (float) inv, advantagesOut);
      Arrays.fill(advantagesOut, base + len, base + time, 0f);
    }
    return true;
  }

  /**
   * GAE's backward recursion {@code A[t] = r'[t] + γ·v[t+1] − v[t] + γλ·A[t+1]} over {@code [lo, hi)}, every
   * position on the value mask, {@code r' = rewards·rewardScale + rewardShift}; writes {@code raw[t] = A[t]} and
   * {@code returns[t] = A[t] + v[t]}; returns {@code A[lo]}.
   *
   * <p>The recursion's chain (a multiply and an add per step, 7 cycles or so) would set the pace, so four steps go
   * at once: with {@code P_j} the discounted sums of the block's own δs (independent of the carry), the block's
   * four values are {@code P_j + (γλ)^{4−j}·A[t+4]}, one multiply-add each on the carry.
   *
   * @param nextValue {@code v_eff[hi]}, the value after the span (0 off the value mask)
   * @param next {@code A[hi]}
   * @param moments null, or (count, mean, M2) that the span's advantages are merged into
   */
  static double gaeSpan(float[] rewards, float[] values, int lo, int hi, double nextValue, double next,
      double gamma, double c, double rewardScale, double rewardShift, float[] raw, float[] returns,
      double[] moments) {
    if (hi <= lo) {
      return next;
    }
    double c2 = c * c;
    double c3 = c2 * c;
    double c4 = c2 * c2;
    double vn = nextValue;
    double an = next;
    int t = hi;
    // The first step fixes the shift of the moments (the span's own values keep the sums well conditioned).
    t--;
    double v = values[t];
    an = rewards[t] * rewardScale + rewardShift + gamma * vn - v + c * an;
    vn = v;
    raw[t] = (float) an;
    if (returns != null) {
      returns[t] = (float) (an + v);
    }
    double shift = an;
    double s1 = 0;
    double s2 = 0;
    while ((t - lo) % 4 != 0) {
      t--;
      v = values[t];
      an = rewards[t] * rewardScale + rewardShift + gamma * vn - v + c * an;
      vn = v;
      raw[t] = (float) an;
      if (returns != null) {
        returns[t] = (float) (an + v);
      }
      double e = an - shift;
      s1 += e;
      s2 += e * e;
    }
    while (t > lo) {
      t -= 4;
      double v0 = values[t];
      double v1 = values[t + 1];
      double v2 = values[t + 2];
      double v3 = values[t + 3];
      double d3 = rewards[t + 3] * rewardScale + rewardShift + gamma * vn - v3;
      double d2 = rewards[t + 2] * rewardScale + rewardShift + gamma * v3 - v2;
      double d1 = rewards[t + 1] * rewardScale + rewardShift + gamma * v2 - v1;
      double d0 = rewards[t] * rewardScale + rewardShift + gamma * v1 - v0;
      double p2 = d2 + c * d3;
      double p1 = d1 + c * p2;
      double p0 = d0 + c * p1;
      double a3 = d3 + c * an;
      double a2 = p2 + c2 * an;
      double a1 = p1 + c3 * an;
      double a0 = p0 + c4 * an;
      raw[t] = (float) a0;
      raw[t + 1] = (float) a1;
      raw[t + 2] = (float) a2;
      raw[t + 3] = (float) a3;
      if (returns != null) {
        returns[t] = (float) (a0 + v0);
        returns[t + 1] = (float) (a1 + v1);
        returns[t + 2] = (float) (a2 + v2);
        returns[t + 3] = (float) (a3 + v3);
      }
      double e0 = a0 - shift;
      double e1 = a1 - shift;
      double e2 = a2 - shift;
      double e3 = a3 - shift;
      s1 += (e0 + e1) + (e2 + e3);
      s2 += (e0 * e0 + e1 * e1) + (e2 * e2 + e3 * e3);
      vn = v0;
      an = a0;
    }
    if (moments != null) {
      int n = hi - lo;
      mergeMoments(moments, n, shift + s1 / n, s2 - s1 * s1 / n);
    }
    return an;
  }

  /**
   * {@code A[t] = r[t] + c·A[t+1]} over {@code [lo, hi)} off the value mask (no values), from {@code A[hi] = 0};
   * writes raw and returns (equal there); returns {@code A[lo]}. Blocked in fours like {@link #gaeSpan}.
   */
  static double discountedSums(float[] rewards, int lo, int hi, double c, float[] raw, float[] returns) {
    double c2 = c * c;
    double c3 = c2 * c;
    double c4 = c2 * c2;
    double an = 0;
    int t = hi;
    while ((t - lo) % 4 != 0) {
      t--;
      an = rewards[t] + c * an;
      raw[t] = (float) an;
      if (returns != null) {
        returns[t] = (float) an;
      }
    }
    while (t > lo) {
      t -= 4;
      double d3 = rewards[t + 3];
      double p2 = rewards[t + 2] + c * d3;
      double p1 = rewards[t + 1] + c * p2;
      double p0 = rewards[t] + c * p1;
      float a3 = (float) (d3 + c * an);
      float a2 = (float) (p2 + c2 * an);
      float a1 = (float) (p1 + c3 * an);
      an = p0 + c4 * an;
      float a0 = (float) an;
      raw[t] = a0;
      raw[t + 1] = a1;
      raw[t + 2] = a2;
      raw[t + 3] = a3;
      if (returns != null) {
        returns[t] = a0;
        returns[t + 1] = a1;
        returns[t + 2] = a2;
        returns[t + 3] = a3;
      }
    }
    return an;
  }

  /** Adds {@code x[from..to)} to the moments (count, mean, M2), two-pass within the span. */
  static void addMoments(float[] x, int from, int to, double[] moments) {
    int n = to - from;
    if (n <= 0) {
      return;
    }
    double s = 0;
    for (int i = from; i < to; i++) {
      s += x[i];
    }
    double mean = s / n;
    double m2 = 0;
    for (int i = from; i < to; i++) {
      double d = x[i] - mean;
      m2 += d * d;
    }
    mergeMoments(moments, n, mean, m2);
  }

  /**
   * Merges a part's (count, mean, M2 = Σ(x − mean)²) into running moments {@code [count, mean, M2]} (Chan, Golub
   * and LeVeque 1979): no large sums cancel, whatever the data's offset.
   */
  static void mergeMoments(double[] moments, double n, double mean, double m2) {
    double count = moments[0] + n;
    double delta = mean - moments[1];
    moments[1] += delta * n / count;
    moments[2] += m2 + delta * delta * moments[0] * n / count;
    moments[0] = count;
  }

  /**
   * GAE with any 0/1 response mask (holes allowed), which only {@link ScorePlacement#LAST_RESPONSE_TOKEN} admits:
   * the value mask is the mask itself. The inputs are validated. Plain steps in double.
   */
  static void gaeGeneral(GaeParams p, float[] rewards, float[] values, float[] mask, int batch, int time,
      float[] advantagesOut, float[] raw, float[] returnsOut) {
    int n = batch * time;
    boolean whitenRewards = p.rewardWhitening() == GaeParams.RewardWhitening.WHITEN;
    double rewardScale = 1;
    double rewardShift = 0;
    if (whitenRewards) {
      double[] m = maskedMoments(rewards, mask, n);
      double inv = 1.0 / Math.sqrt(m[2] / (m[0] - 1) + WHITEN_EPSILON);
      rewardScale = inv;
      rewardShift = m[1] - m[1] * inv;
    }
    double gamma = p.gamma();
    double gl = p.gamma() * p.lambda();
    for (int b = 0; b < batch; b++) {
      int base = b * time;
      double nextValue = 0;
      double nextAdv = 0;
      for (int t = time - 1; t >= 0; t--) {
        boolean on = mask[base + t] == 1f;
        double v = on ? values[base + t] : 0.0;
        double r = whitenRewards ? (on ? rewards[base + t] * rewardScale + rewardShift : 0.0) : rewards[base + t];
        double a = r + gamma * nextValue - v + gl * nextAdv;
        raw[base + t] = (float) a;
        if (returnsOut != null) {
          returnsOut[base + t] = (float) (a + v);
        }
        nextValue = v;
        nextAdv = a;
      }
    }
    double[] m = maskedMoments(raw, mask, n);
    double inv = 1.0 / Math.sqrt(m[2] / (m[0] - 1) + WHITEN_EPSILON);
    for (int i = 0; i < n; i++) {
      advantagesOut[i] = mask[i] == 1f ? (float) ((raw[i] - m[1]) * inv) : 0f;
    }
  }

  /** (count, mean, M2) of {@code x} where {@code mask} is 1, two-pass. Allocates: only the rare general path uses it. */
  private static double[] maskedMoments(float[] x, float[] mask, int n) {
    double sum = 0;
    double count = 0;
    for (int i = 0; i < n; i++) {
      if (mask[i] == 1f) {
        sum += x[i];
        count++;
      }
    }
    double mean = sum / count;
    double m2 = 0;
    for (int i = 0; i < n; i++) {
      if (mask[i] == 1f) {
        double d = x[i] - mean;
        m2 += d * d;
      }
    }
    return new double[] {count, mean, m2};
  }

  /**
   * {@code (v − μ)/sqrt(var + 1e-8)} at every position with batch-global masked statistics and the unbiased
   * variance; adds μ back for {@link Whitening#KEEP_MEAN}. The caller checked that the mask has at least 2 ones.
   */
  static void whiten(float[] values, float[] mask, int n, Whitening whitening, float[] out) {
    double sum = 0;
    double count = 0;
    for (int i = 0; i < n; i++) {
      sum += values[i] * mask[i];
      count += mask[i];
    }
    double mean = sum / count;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      double d = values[i] - mean;
      sq += d * d * mask[i];
    }
    double var = sq / (count - 1);
    double inv = 1.0 / Math.sqrt(var + WHITEN_EPSILON);
    double add = whitening == Whitening.KEEP_MEAN ? mean : 0.0;
    for (int i = 0; i < n; i++) {
      out[i] = (float) ((values[i] - mean) * inv + add);
    }
  }

  /**
   * Single-function group advantages; the caller checked {@code count % groupSize == 0}.
   *
   * @return false when a reward is not finite (the outputs are then meaningless)
   */
  static boolean groupAdvantages(GroupAdvantageParams p, KernelLoops loops, float[] rewards, int count,
      float[] out) {
    double batchScale = p.scaling() == RewardScaling.BATCH
        ? 1.0 / (std(rewards, 0, count, 1) + GroupAdvantageParams.STD_EPSILON)
        : 1.0;
    return loops.groupAdvantages(rewards, p.groupSize(), p.scaling(), batchScale, 0, count, out);
  }

  /**
   * The scalar group loop over {@code [from, to)} (whole groups): mean and unbiased deviation of each group in
   * double.
   *
   * @return false when a reward is not finite
   */
  static boolean groupAdvantages(float[] rewards, int g, RewardScaling scaling, double batchScale, int from,
      int to, float[] out) {
    double check = 0;
    for (int start = from; start < to; start += g) {
      double mean = mean(rewards, start, g, 1);
      double scale = switch (scaling) {
        case GROUP -> 1.0 / (std(rewards, start, g, 1) + GroupAdvantageParams.STD_EPSILON);
        case BATCH -> batchScale;
        case NONE -> 1.0;
      };
      for (int i = start; i < start + g; i++) {
        out[i] = (float) ((rewards[i] - mean) * scale);
      }
      check += mean - mean; // NaN once any reward of any group is NaN or infinite
    }
    return check == 0;
  }

  /**
   * Several reward functions, {@code rewardsPerFunc} is {@code [count][functions]}. The weighted sums (or summed
   * z-scores) are kept in {@code out} as floats, then normalised in place.
   */
  static void groupAdvantages(GroupAdvantageParams p, KernelLoops loops, float[] rewardsPerFunc, int count,
      int functions, float[] out) {
    int g = p.groupSize();
    switch (p.aggregation()) {
      case SUM_THEN_NORMALIZE -> {
        for (int i = 0; i < count; i++) {
          double s = 0;
          for (int k = 0; k < functions; k++) {
            s += (double) p.weight(k) * rewardsPerFunc[i * functions + k];
          }
          out[i] = (float) s;
        }
        groupAdvantages(p, loops, out, count, out); // in place: each group is read whole before it is written
      }
      case NORMALIZE_THEN_SUM -> {
        Arrays.fill(out, 0, count, 0f);
        for (int start = 0; start < count; start += g) {
          for (int k = 0; k < functions; k++) {
            double mean = mean(rewardsPerFunc, start * functions + k, g, functions);
            double inv = 1.0 / (std(rewardsPerFunc, start * functions + k, g, functions)
                + GroupAdvantageParams.STD_EPSILON);
            for (int i = start; i < start + g; i++) {
              out[i] += (float) (p.weight(k) * (rewardsPerFunc[i * functions + k] - mean) * inv);
            }
          }
        }
        double mean = mean(out, 0, count, 1);
        double inv = 1.0 / (std(out, 0, count, 1) + GroupAdvantageParams.STD_EPSILON);
        for (int i = 0; i < count; i++) {
          out[i] = (float) ((out[i] - mean) * inv);
        }
      }
    }
  }

  private static double mean(float[] x, int start, int n, int stride) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x[start + i * stride];
    }
    return s / n;
  }

  /** Unbiased standard deviation; 0 for a single element (TRL would give NaN, which helps nobody). */
  private static double std(float[] x, int start, int n, int stride) {
    if (n < 2) {
      return 0;
    }
    double mean = mean(x, start, n, stride);
    double sq = 0;
    for (int i = 0; i < n; i++) {
      double d = x[start + i * stride] - mean;
      sq += d * d;
    }
    return Math.sqrt(sq / (n - 1));
  }
}
