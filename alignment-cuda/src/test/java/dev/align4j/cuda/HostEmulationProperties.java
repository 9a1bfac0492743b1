package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;
import dev.align4j.core.kernel.CpuKernelProvider;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The CUDA kernels' code, replayed on the host, equals the CPU provider on random inputs within the conformance
 * tolerance of each op. Shapes are chosen to reach every path of the kernels: rows shorter than a warp, rows that are
 * not 16-byte aligned (odd vocabularies: scalar head and tail around the float4 body), several warps per block and
 * several chunks per thread in GAE's scan, more than one block in the batch statistics, logits up to ±100.
 */
@AddLifecycleHook(HostEmulationProperties.NeedsLibrary.class)
class HostEmulationProperties {
  private static final KernelProvider CPU = new CpuKernelProvider();

  /**
   * Skips these properties when the build has no native library; with the cuda-native profile they run (and fail if
   * the library does not load).
   */
  static final class NeedsLibrary implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      CudaStatus s = CudaLibrary.status();
      return s.libraryLoaded() || NativeLibraryAssumption.expectNative()
          ? SkipResult.doNotSkip()
          : SkipResult.skip("no native library in this build (-P!cuda-native or no nvcc): " + s.logLine());
    }
  }

  private static KernelProvider emu() {
    return CudaKernelProvider.hostEmulation();
  }

  @Property(tries = 60)
  void softmaxRows(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 5000) int vocab,
      @ForAll @DoubleRange(min = 0.1, max = 100) double scale, @ForAll @DoubleRange(min = 0.3, max = 2) double temp,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] logits = gaussian(r, rows * vocab, scale);
    float[] ref = gaussian(r, rows * vocab, scale);
    int[] tokens = r.ints(rows, 0, vocab).toArray();
    float t = (float) temp;
    float[][] cpu = {new float[rows], new float[rows], new float[rows]};
    float[][] emu = {new float[rows], new float[rows], new float[rows]};
    CPU.tokenLogprobs(logits, tokens, rows, vocab, t, cpu[0]);
    emu().tokenLogprobs(logits, tokens, rows, vocab, t, emu[0]);
    CPU.entropy(logits, rows, vocab, t, cpu[1]);
    emu().entropy(logits, rows, vocab, t, emu[1]);
    CPU.fullKl(logits, ref, rows, vocab, cpu[2]);
    emu().fullKl(logits, ref, rows, vocab, emu[2]);
    close("token_logprobs", cpu[0], emu[0], 1e-5, 1e-6);
    // entropy and full_kl: atol 1e-5 (5e-5 for |logits| ≥ 80), as their conformance entries say
    double largest = 0;
    for (int i = 0; i < logits.length; i++) {
      largest = Math.max(largest, Math.max(Math.abs(logits[i] / t), Math.abs(ref[i])));
    }
    double atol = largest >= 80 ? 5e-5 : 1e-5;
    close("entropy", cpu[1], emu[1], 1e-5, atol);
    close("full_kl", cpu[2], emu[2], 1e-5, atol);
  }

  @Property(tries = 40)
  void klPerTokenAndPenalisedRewards(@ForAll @IntRange(min = 1, max = 9) int batch,
      @ForAll @IntRange(min = 1, max = 600) int time, @ForAll boolean trl, @ForAll boolean k3,
      @ForAll boolean penalty, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = batch * time;
    float[] lp = gaussian(r, n, 2);
    float[] ref = gaussian(r, n, 2);
    float[] mask = prefixMask(r, batch, time, trl ? 0 : 1);
    float[] scores = gaussian(r, batch, 3);
    float[] eos = new float[batch];
    for (int b = 0; b < batch; b++) {
      eos[b] = r.nextBoolean() ? 1 : 0;
    }
    for (KlEstimator e : KlEstimator.values()) {
      float[] a = new float[n];
      float[] b = new float[n];
      CPU.klPerToken(lp, ref, mask, n, e, a);
      emu().klPerToken(lp, ref, mask, n, e, b);
      close("kl_per_token " + e, a, b, 1e-5, 1e-6);
    }
    KlPenalty p = new KlPenalty(r.nextDouble(), k3 ? KlEstimator.K3 : KlEstimator.K1,
        trl ? ScorePlacement.AFTER_RESPONSE_TRL : ScorePlacement.LAST_RESPONSE_TOKEN,
        penalty ? java.util.OptionalDouble.of(1.5) : java.util.OptionalDouble.empty());
    float[][] cpu = {new float[n], new float[n]};
    float[][] emu = {new float[n], new float[n]};
    int[] ci = new int[batch];
    int[] ei = new int[batch];
    CPU.klPenalizedRewards(p, scores, lp, ref, mask, eos, batch, time, cpu[0], cpu[1], ci);
    emu().klPenalizedRewards(p, scores, lp, ref, mask, eos, batch, time, emu[0], emu[1], ei);
    close("rewards", cpu[0], emu[0], 1e-5, 1e-6);
    close("kl", cpu[1], emu[1], 1e-5, 1e-6);
    assertArrayEquals(ci, ei, "score_index");
  }

  @Property(tries = 60)
  void gae(@ForAll @IntRange(min = 1, max = 7) int batch, @ForAll @IntRange(min = 1, max = 1500) int time,
      @ForAll @DoubleRange(min = 0, max = 1) double gamma, @ForAll @DoubleRange(min = 0, max = 1) double lambda,
      @ForAll boolean trl, @ForAll boolean whitenRewards, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = batch * time;
    float[] mask = prefixMask(r, batch, time, trl ? 0 : 1);
    int ones = 0;
    for (float m : mask) {
      ones += (int) m;
    }
    Assume.that(ones >= 2); // fewer: both providers reject the input (ArgumentParityTest)
    float[] rewards = gaussian(r, n, 1);
    float[] values = gaussian(r, n, 1);
    GaeParams p = new GaeParams(gamma, lambda,
        whitenRewards ? GaeParams.RewardWhitening.WHITEN : GaeParams.RewardWhitening.NONE,
        trl ? ScorePlacement.AFTER_RESPONSE_TRL : ScorePlacement.LAST_RESPONSE_TOKEN);
    float[][] cpu = {new float[n], new float[n], new float[n]};
    float[][] emu = {new float[n], new float[n], new float[n]};
    CPU.gae(p, rewards, values, mask, batch, time, cpu[0], cpu[1], cpu[2]);
    emu().gae(p, rewards, values, mask, batch, time, emu[0], emu[1], emu[2]);
    close("advantages", cpu[0], emu[0], 1e-5, 1e-6);
    close("raw_advantages", cpu[1], emu[1], 1e-5, 1e-6);
    close("returns", cpu[2], emu[2], 1e-5, 1e-6);
  }

  @Property(tries = 40)
  void whiten(@ForAll @IntRange(min = 2, max = 20000) int n, @ForAll boolean keepMean, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] values = gaussian(r, n, 5);
    float[] mask = new float[n];
    for (int i = 0; i < n; i++) {
      mask[i] = i < 2 || r.nextDouble() < 0.7 ? 1 : 0;
    }
    Whitening w = keepMean ? Whitening.KEEP_MEAN : Whitening.CENTER;
    float[] a = new float[n];
    float[] b = new float[n];
    CPU.whiten(values, mask, n, w, a);
    emu().whiten(values, mask, n, w, b);
    close("whitened", a, b, 1e-5, 1e-6);
  }

  @Property(tries = 60)
  void groupAdvantages(@ForAll @IntRange(min = 1, max = 300) int groups, @ForAll @IntRange(min = 1, max = 100) int g,
      @ForAll @IntRange(min = 1, max = 4) int functions, @ForAll RewardScaling scaling,
      @ForAll MultiRewardAggregation aggregation, @ForAll boolean weighted, @ForAll boolean ties, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int count = groups * g;
    float[] rewards = gaussian(r, count, 2);
    float[] perFunc = gaussian(r, count * functions, 2);
    if (ties) { // binary rewards: all-equal groups must give exactly 0
      for (int i = 0; i < perFunc.length; i++) {
        perFunc[i] = perFunc[i] > 1 ? 1 : 0;
      }
      for (int i = 0; i < count; i++) {
        rewards[i] = rewards[i] > 1 ? 1 : 0;
      }
    }
    float[] weights = new float[weighted ? functions : 0];
    for (int k = 0; k < weights.length; k++) {
      weights[k] = (float) (r.nextDouble() * 2);
    }
    GroupAdvantageParams p = new GroupAdvantageParams(g, scaling, aggregation, weights);
    float[] a = new float[count];
    float[] b = new float[count];
    CPU.groupAdvantages(p, rewards, count, a);
    emu().groupAdvantages(p, rewards, count, b);
    close("advantages (one function)", a, b, 1e-5, 1e-6);
    CPU.groupAdvantages(p, perFunc, count, functions, a);
    emu().groupAdvantages(p, perFunc, count, functions, b);
    close("advantages (" + functions + " functions)", a, b, 1e-5,
        conditionedTolerance(p, perFunc, count, functions, 1e-6));
  }

  /**
   * The absolute tolerance of each multi-reward advantage: 1e-6 plus the float rounding of the intermediate the
   * kernels keep as {@code float} (the weighted sum, or the summed z-scores), amplified by the normalisation that
   * divides it by {@code std + ε}. Near-cancelling z-scores (two functions of a 2-completion group that disagree)
   * leave a sum of rounding size that the batch normalisation scales up by 1/(std + ε) ≈ 10^4; any two float
   * implementations then differ there by more than a fixed 1e-6, and neither is wrong.
   */
  static double[] conditionedTolerance(GroupAdvantageParams p, float[] perFunc, int count, int functions,
      double base) {
    int g = p.groupSize();
    double eps = GroupAdvantageParams.STD_EPSILON;
    double[] tol = new double[count];
    double[] pre = new double[count];
    double magnitude = 0;
    for (int start = 0; start < count; start += g) {
      for (int k = 0; k < functions; k++) {
        double[] x = new double[g];
        for (int i = 0; i < g; i++) {
          x[i] = perFunc[(start + i) * functions + k];
        }
        double m = mean(x);
        double z = 1.0 / (std(x) + eps);
        for (int i = 0; i < g; i++) {
          double term = p.aggregation() == MultiRewardAggregation.NORMALIZE_THEN_SUM ? p.weight(k) * (x[i] - m) * z
              : p.weight(k) * x[i];
          pre[start + i] += term;
          magnitude = Math.max(magnitude, Math.abs(term));
        }
      }
    }
    double ulp = Math.ulp((float) (functions * Math.max(magnitude, 1e-30)));
    if (p.aggregation() == MultiRewardAggregation.NORMALIZE_THEN_SUM) {
      double amplification = 1.0 / (std(pre) + eps);             // one normalisation over the whole batch
      java.util.Arrays.fill(tol, base + 4 * functions * ulp * amplification);
    } else {
      for (int start = 0; start < count; start += g) {
        double[] group = java.util.Arrays.copyOfRange(pre, start, start + g);
        double spread = p.scaling() == RewardScaling.NONE ? 1 : p.scaling() == RewardScaling.BATCH ? std(pre)
            : std(group);
        java.util.Arrays.fill(tol, start, start + g, base + 4 * functions * ulp / (spread + eps));
      }
    }
    return tol;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** Unbiased standard deviation, 0 for one element, as the kernels compute it. */
  private static double std(double[] x) {
    if (x.length < 2) {
      return 0;
    }
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (x.length - 1));
  }

  /** Realistic shapes, once: a 50257-token vocabulary and a 1024-token GAE row. */
  @Example
  void realisticShapes() {
    SplittableRandom r = new SplittableRandom(7);
    int rows = 3;
    int vocab = 50257;
    float[] logits = gaussian(r, rows * vocab, 3);
    float[] ref = new float[logits.length];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = logits[i] + (float) (0.3 * r.nextGaussian());
    }
    float[] a = new float[rows];
    float[] b = new float[rows];
    CPU.fullKl(logits, ref, rows, vocab, a);
    emu().fullKl(logits, ref, rows, vocab, b);
    close("full_kl 3x50257", a, b, 1e-5, 1e-5);
    int[] tokens = r.ints(rows, 0, vocab).toArray();
    CPU.tokenLogprobs(logits, tokens, rows, vocab, 1f, a);
    emu().tokenLogprobs(logits, tokens, rows, vocab, 1f, b);
    close("token_logprobs 3x50257", a, b, 1e-5, 1e-6);
    int batch = 8;
    int time = 1024;
    float[] mask = prefixMask(r, batch, time, 1);
    float[] rewards = gaussian(r, batch * time, 0.1);
    float[] values = gaussian(r, batch * time, 1);
    float[][] cpu = {new float[batch * time], new float[batch * time], new float[batch * time]};
    float[][] emu = {new float[batch * time], new float[batch * time], new float[batch * time]};
    GaeParams p = GaeParams.of(1.0, 0.95);
    CPU.gae(p, rewards, values, mask, batch, time, cpu[0], cpu[1], cpu[2]);
    emu().gae(p, rewards, values, mask, batch, time, emu[0], emu[1], emu[2]);
    for (int k = 0; k < 3; k++) {
      close("gae 8x1024 output " + k, cpu[k], emu[k], 1e-5, 1e-6);
    }
  }

  static void close(String what, float[] expected, float[] actual, double rtol, double[] atol) {
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) actual[i] - expected[i]);
      int at = i;
      assertTrue(d <= atol[i] + rtol * Math.abs(expected[i]), () -> what + "[" + at + "]: cpu " + expected[at]
          + ", emulated kernel " + actual[at] + ", |Δ| " + d + ", tolerance " + atol[at]);
    }
  }

  static void close(String what, float[] expected, float[] actual, double rtol, double atol) {
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) actual[i] - expected[i]);
      int at = i;
      assertTrue(d <= atol + rtol * Math.abs(expected[i]),
          () -> what + "[" + at + "]: cpu " + expected[at] + ", emulated kernel " + actual[at] + ", |Δ| " + d);
    }
  }

  static float[] gaussian(SplittableRandom r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) Math.max(-100, Math.min(100, scale * r.nextGaussian()));
    }
    return a;
  }

  /** Right-padded rows of random length in [minLength, time]. */
  static float[] prefixMask(SplittableRandom r, int batch, int time, int minLength) {
    float[] mask = new float[batch * time];
    for (int b = 0; b < batch; b++) {
      int len = minLength + r.nextInt(time - minLength + 1);
      for (int t = 0; t < len; t++) {
        mask[b * time + t] = 1;
      }
    }
    return mask;
  }
}
