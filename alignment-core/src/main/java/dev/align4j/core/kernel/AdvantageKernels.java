package dev.align4j.core.kernel;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;

/**
 * Scalar kernels over per-token and per-sequence quantities: KL-penalised rewards, GAE, whitening and GRPO group
 * advantages. Arguments arrive validated by {@link CpuKernelProvider}; statistics accumulate in double.
 */
final class AdvantageKernels {
  /** Added to the variance before the square root when whitening (TRL's {@code whiten}). */
  static final double WHITEN_EPSILON = 1e-8;

  private AdvantageKernels() {}

  /**
   * Per-token rewards {@code −β·kl} plus the (penalised) score at each row's score position.
   *
   * @param lengths {@code [batch]} response lengths {@code L_b} of the right-padded mask
   */
  static void klPenalizedRewards(KlPenalty p, float[] scores, float[] logprobs, float[] refLogprobs,
      int[] lengths, float[] containEos, int batch, int time, float[] rewardsOut, float[] klOut,
      int[] scoreIndexOut) {
    double coef = p.klCoef();
    for (int b = 0; b < batch; b++) {
      int base = b * time;
      int len = lengths[b];
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

  /**
   * The mask the value function is trained on: the response mask, or with TRL parity the response plus the slot
   * after it ({@code t ≤ L_b}, clipped to the row).
   */
  static void valueMask(ScorePlacement placement, float[] mask, int[] lengths, int batch, int time, float[] out) {
    if (placement == ScorePlacement.LAST_RESPONSE_TOKEN) {
      System.arraycopy(mask, 0, out, 0, batch * time);
      return;
    }
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        out[b * time + t] = t <= lengths[b] ? 1f : 0f;
      }
    }
  }

  /**
   * GAE over all positions of each row (masks only select what is whitened and returned), then whitened advantages.
   *
   * @param vm {@code [batch][time]} value mask from {@link #valueMask}
   * @param work {@code [batch][time]} scratch for the whitened rewards, may alias nothing else
   */
  static void gae(GaeParams p, float[] rewards, float[] values, float[] mask, float[] vm, int batch, int time,
      float[] work, float[] advantagesOut, float[] rawOut, float[] returnsOut) {
    float[] r = rewards;
    if (p.rewardWhitening() == GaeParams.RewardWhitening.WHITEN) {
      whiten(rewards, vm, batch * time, Whitening.KEEP_MEAN, work);
      for (int i = 0; i < batch * time; i++) {
        work[i] *= vm[i];
      }
      r = work;
    }
    double gamma = p.gamma();
    double gl = p.gamma() * p.lambda();
    for (int b = 0; b < batch; b++) {
      int base = b * time;
      double nextValue = 0;
      double nextAdv = 0;
      for (int t = time - 1; t >= 0; t--) {
        double v = values[base + t] * vm[base + t];
        double delta = r[base + t] + gamma * nextValue - v;
        double a = delta + gl * nextAdv;
        rawOut[base + t] = (float) a;
        if (returnsOut != null) {
          returnsOut[base + t] = (float) (a + v);
        }
        nextValue = v;
        nextAdv = a;
      }
    }
    whiten(rawOut, mask, batch * time, Whitening.CENTER, advantagesOut);
    for (int i = 0; i < batch * time; i++) {
      if (mask[i] == 0f) {
        advantagesOut[i] = 0f;
      }
    }
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

  /** Single-function group advantages; the caller checked {@code count % groupSize == 0}. */
  static void groupAdvantages(GroupAdvantageParams p, float[] rewards, int count, float[] out) {
    int g = p.groupSize();
    double batchStd = p.scaling() == RewardScaling.BATCH ? std(rewards, 0, count, 1) : 0;
    for (int start = 0; start < count; start += g) {
      double mean = mean(rewards, start, g, 1);
      double scale = switch (p.scaling()) {
        case GROUP -> 1.0 / (std(rewards, start, g, 1) + GroupAdvantageParams.STD_EPSILON);
        case BATCH -> 1.0 / (batchStd + GroupAdvantageParams.STD_EPSILON);
        case NONE -> 1.0;
      };
      for (int i = start; i < start + g; i++) {
        out[i] = (float) ((rewards[i] - mean) * scale);
      }
    }
  }

  /**
   * Several reward functions, {@code rewardsPerFunc} is {@code [count][functions]}.
   *
   * @param work {@code [count]} scratch
   */
  static void groupAdvantages(GroupAdvantageParams p, float[] rewardsPerFunc, int count, int functions,
      float[] work, float[] out) {
    int g = p.groupSize();
    switch (p.aggregation()) {
      case SUM_THEN_NORMALIZE -> {
        for (int i = 0; i < count; i++) {
          double s = 0;
          for (int k = 0; k < functions; k++) {
            s += (double) p.weight(k) * rewardsPerFunc[i * functions + k];
          }
          work[i] = (float) s;
        }
        groupAdvantages(p, work, count, out);
      }
      case NORMALIZE_THEN_SUM -> {
        double[] sums = new double[count];
        for (int k = 0; k < functions; k++) {
          for (int start = 0; start < count; start += g) {
            double mean = mean(rewardsPerFunc, start * functions + k, g, functions);
            double inv = 1.0 / (std(rewardsPerFunc, start * functions + k, g, functions)
                + GroupAdvantageParams.STD_EPSILON);
            for (int i = start; i < start + g; i++) {
              sums[i] += p.weight(k) * (rewardsPerFunc[i * functions + k] - mean) * inv;
            }
          }
        }
        double mean = 0;
        for (double s : sums) {
          mean += s;
        }
        mean /= count;
        double sq = 0;
        for (double s : sums) {
          sq += (s - mean) * (s - mean);
        }
        double std = count > 1 ? Math.sqrt(sq / (count - 1)) : 0;
        double inv = 1.0 / (std + GroupAdvantageParams.STD_EPSILON);
        for (int i = 0; i < count; i++) {
          out[i] = (float) ((sums[i] - mean) * inv);
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
