package dev.align4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.RewardScaling;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Mathematical properties of the CPU kernels. */
class KernelProperties {
  private final KernelProvider k = new CpuKernelProvider();

  @Property
  void groupAdvantagesHaveZeroMeanInEveryGroup(@ForAll @IntRange(min = 1, max = 6) int groups,
      @ForAll @IntRange(min = 2, max = 16) int groupSize, @ForAll RewardScaling scaling, @ForAll long seed) {
    Random rnd = new Random(seed);
    int n = groups * groupSize;
    float[] rewards = new float[n];
    for (int i = 0; i < n; i++) {
      rewards[i] = (float) (rnd.nextGaussian() * 3);
    }
    float[] adv = new float[n];
    k.groupAdvantages(GroupAdvantageParams.of(groupSize, scaling), rewards, n, adv);
    for (int g = 0; g < groups; g++) {
      double sum = 0;
      double scale = 0;
      for (int i = g * groupSize; i < (g + 1) * groupSize; i++) {
        sum += adv[i];
        scale = Math.max(scale, Math.abs(adv[i]));
      }
      // float32 rounding of groupSize values of magnitude `scale`
      assertEquals(0.0, sum / groupSize, 1e-6 * (1 + scale), "mean of group " + g);
    }
  }

  @Property
  void aConstantGroupHasExactlyZeroAdvantage(@ForAll @IntRange(min = 1, max = 16) int groupSize,
      @ForAll @DoubleRange(min = -1e3, max = 1e3) double value, @ForAll RewardScaling scaling) {
    float[] rewards = new float[2 * groupSize];
    java.util.Arrays.fill(rewards, 0, groupSize, (float) value);
    for (int i = groupSize; i < 2 * groupSize; i++) {
      rewards[i] = i; // a second, varied group so that batch scaling has a non-zero deviation
    }
    float[] adv = new float[rewards.length];
    k.groupAdvantages(GroupAdvantageParams.of(groupSize, scaling), rewards, rewards.length, adv);
    for (int i = 0; i < groupSize; i++) {
      assertEquals(0f, adv[i], 0f);
    }
  }

  @Property
  void k3IsNeverNegative(@ForAll @DoubleRange(min = -30, max = 0) double logprob,
      @ForAll @DoubleRange(min = -30, max = 0) double refLogprob) {
    float[] out = new float[1];
    k.klPerToken(new float[] {(float) logprob}, new float[] {(float) refLogprob}, null, 1, KlEstimator.K3, out);
    assertTrue(out[0] >= 0f, () -> "k3 = " + out[0]);
  }

  /**
   * k1 = log π(x) − log π_ref(x) with x ~ π is an unbiased estimate of KL(π ‖ π_ref): its sample mean lies within 5
   * standard errors of the exact KL.
   */
  @Property(tries = 50)
  void k1AveragesToTheTrueKlWhenSamplingFromThePolicy(@ForAll @IntRange(min = 2, max = 40) int vocab,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] logits = new float[vocab];
    float[] refLogits = new float[vocab];
    for (int v = 0; v < vocab; v++) {
      logits[v] = (float) (rnd.nextGaussian() * 2);
      refLogits[v] = (float) (rnd.nextGaussian() * 2);
    }
    double[] p = softmax(logits);
    double[] q = softmax(refLogits);
    double exact = 0;
    for (int v = 0; v < vocab; v++) {
      exact += p[v] * (Math.log(p[v]) - Math.log(q[v]));
    }
    int n = 20_000;
    float[] lp = new float[n];
    float[] ref = new float[n];
    for (int i = 0; i < n; i++) {
      int x = sample(p, rnd);
      lp[i] = (float) Math.log(p[x]);
      ref[i] = (float) Math.log(q[x]);
    }
    float[] k1 = new float[n];
    k.klPerToken(lp, ref, null, n, KlEstimator.K1, k1);
    double mean = 0;
    for (float v : k1) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (float v : k1) {
      var += (v - mean) * (v - mean);
    }
    double se = Math.sqrt(var / (n - 1) / n);
    assertEquals(exact, mean, 5 * se + 1e-6, "k1 mean vs exact KL");
  }

  /** With γ = λ = 1 and values only on the response, GAE's raw advantage is the reward-to-go minus the value. */
  @Property
  void gaeWithUnitGammaAndLambdaIsRewardToGoMinusValue(@ForAll @IntRange(min = 1, max = 4) int batch,
      @ForAll @IntRange(min = 2, max = 12) int time, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] rewards = new float[batch * time];
    float[] values = new float[batch * time];
    float[] mask = new float[batch * time];
    int[] len = new int[batch];
    for (int b = 0; b < batch; b++) {
      len[b] = 1 + rnd.nextInt(time);
      for (int t = 0; t < time; t++) {
        values[b * time + t] = (float) rnd.nextGaussian();
        if (t < len[b]) {
          mask[b * time + t] = 1;
          rewards[b * time + t] = (float) rnd.nextGaussian();
        }
      }
    }
    if (batch == 1 && len[0] == 1) {
      len[0] = 2; // whitening needs two valid positions
      mask[1] = 1;
      rewards[1] = 0.5f;
    }
    float[] adv = new float[batch * time];
    float[] raw = new float[batch * time];
    k.gae(GaeParams.of(1.0, 1.0), rewards, values, mask, batch, time, adv, raw, null);
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        if (mask[b * time + t] == 0) {
          continue;
        }
        double toGo = 0;
        for (int s = t; s < time; s++) {
          toGo += rewards[b * time + s];
        }
        assertEquals(toGo - values[b * time + t], raw[b * time + t], 1e-5 * (1 + Math.abs(toGo)));
      }
    }
  }

  private static double[] softmax(float[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      m = Math.max(m, v);
    }
    double s = 0;
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = Math.exp(x[i] - m);
      s += p[i];
    }
    for (int i = 0; i < x.length; i++) {
      p[i] /= s;
    }
    return p;
  }

  private static int sample(double[] p, Random rnd) {
    double u = rnd.nextDouble();
    double c = 0;
    for (int i = 0; i < p.length; i++) {
      c += p[i];
      if (u < c) {
        return i;
      }
    }
    return p.length - 1;
  }
}
