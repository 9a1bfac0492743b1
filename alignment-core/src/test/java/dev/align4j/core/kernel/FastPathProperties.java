package dev.align4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The default CPU provider (the Vector API path where the JVM has the module, as under surefire) against the scalar
 * path and against float64 references, on random shapes that exercise full vectors, tails, overflowing ranges and
 * the butterflies. Tolerances are the conformance ones (rtol 1e-5, atol 1e-6; 1e-5 for entropy and full KL).
 */
class FastPathProperties {
  private final CpuKernelProvider fast = new CpuKernelProvider().withThreads(1);
  private final CpuKernelProvider scalar = new CpuKernelProvider().with(CpuKernelPath.SCALAR).withThreads(1);

  private static void close(double expected, double actual, double atol, double rtol, String what) {
    assertTrue(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
        () -> what + ": expected " + expected + " got " + actual);
  }

  private static float[] logits(SplittableRandom rnd, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (scale * rnd.nextGaussian());
    }
    return x;
  }

  /** log-softmax in float64, two passes. */
  private static double[] logSoftmax(float[] x, int off, int n, double invT) {
    double m = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, x[off + i] * invT);
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.exp(x[off + i] * invT - m);
    }
    double lse = m + Math.log(s);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = x[off + i] * invT - lse;
    }
    return out;
  }

  private void checkSoftmaxRows(float[] x, float[] y, int rows, int vocab, float temperature, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] tokens = new int[rows];
    for (int r = 0; r < rows; r++) {
      tokens[r] = rnd.nextInt(vocab);
    }
    float[][] lp = new float[2][rows];
    float[][] h = new float[2][rows];
    float[][] kl = new float[2][rows];
    CpuKernelProvider[] paths = {fast, scalar};
    for (int p = 0; p < 2; p++) {
      paths[p].tokenLogprobs(x, tokens, rows, vocab, temperature, lp[p]);
      paths[p].entropy(x, rows, vocab, temperature, h[p]);
      paths[p].fullKl(x, y, rows, vocab, kl[p]);
    }
    float invT = 1f / temperature;
    for (int r = 0; r < rows; r++) {
      double[] a = logSoftmax(x, r * vocab, vocab, invT);
      double[] b = logSoftmax(y, r * vocab, vocab, 1.0);
      double[] p1 = logSoftmax(x, r * vocab, vocab, 1.0);
      double ent = 0;
      double div = 0;
      for (int v = 0; v < vocab; v++) {
        ent -= Math.exp(a[v]) * a[v];
        div += Math.exp(p1[v]) * (p1[v] - b[v]);
      }
      for (int p = 0; p < 2; p++) {
        String where = (p == 0 ? fast.path() : CpuKernelPath.SCALAR) + " row " + r + " vocab " + vocab;
        close(a[tokens[r]], lp[p][r], 1e-6, 1e-5, "token logprob, " + where);
        close(ent, h[p][r], 1e-5, 1e-5, "entropy, " + where);
        close(div, kl[p][r], 1e-5, 1e-5, "full KL, " + where);
      }
    }
  }

  @Property(tries = 60)
  void softmaxRowsMatchFloat64OnBothPaths(@ForAll @IntRange(min = 1, max = 3) int rows,
      @ForAll @IntRange(min = 1, max = 700) int vocab, @ForAll @DoubleRange(min = 0.05, max = 40) double scale,
      @ForAll @DoubleRange(min = 0.4, max = 2) double temperature, @ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = logits(rnd, rows * vocab, scale);
    float[] y = logits(rnd, rows * vocab, scale);
    checkSoftmaxRows(x, y, rows, vocab, (float) temperature, seed);
  }

  /** Production sizes: a Llama-sized and a GPT-2-sized vocabulary, logits like a trained model's. */
  @Example
  void wideVocabulariesMatchFloat64OnBothPaths() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int vocab : new int[] {32000, 50257}) {
      float[] x = logits(rnd, 2 * vocab, 2.5);
      float[] y = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = x[i] + (float) (0.5 * rnd.nextGaussian());
      }
      x[rnd.nextInt(vocab)] += 12; // one confident token in row 0
      checkSoftmaxRows(x, y, 2, vocab, 1f, 12);
      checkSoftmaxRows(x, y, 2, vocab, 0.7f, 13);
    }
  }

  @Example
  void nanLogitsGiveNaNAndMinusInfinityLogitsAreIgnored() {
    int vocab = 100;
    float[] x = logits(new SplittableRandom(5), 2 * vocab, 2);
    x[37] = Float.NaN;
    for (int v = 0; v < vocab; v += 3) {
      x[vocab + v] = Float.NEGATIVE_INFINITY; // row 1: a third of the vocabulary masked out
    }
    for (CpuKernelProvider p : new CpuKernelProvider[] {fast, scalar}) {
      float[] out = new float[2];
      p.tokenLogprobs(x, new int[] {1, 1}, 2, vocab, 1f, out);
      assertTrue(Float.isNaN(out[0]), () -> p + ": a NaN logit gives " + out[0]);
      double[] ref = logSoftmax(x, vocab, vocab, 1.0);
      close(ref[1], out[1], 1e-6, 1e-5, p + ": -inf logits");
    }
  }

  @Property(tries = 60)
  void klEstimatorsAgreeOnBothPaths(@ForAll @IntRange(min = 0, max = 200) int n, @ForAll KlEstimator estimator,
      @ForAll boolean masked, @ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] lp = new float[n];
    float[] ref = new float[n];
    float[] mask = masked ? new float[n] : null;
    for (int i = 0; i < n; i++) {
      lp[i] = (float) (-10 * rnd.nextDouble());
      double scale = new double[] {1e-5, 1e-3, 0.3, 2, 20}[rnd.nextInt(5)];
      ref[i] = lp[i] + (float) (scale * rnd.nextGaussian());
      if (masked) {
        mask[i] = rnd.nextInt(4) == 0 ? 0f : 1f;
        if (mask[i] == 0f && rnd.nextBoolean()) {
          lp[i] = Float.NaN; // padding may hold anything
        }
      }
    }
    float[] a = new float[n];
    float[] b = new float[n];
    fast.klPerToken(lp, ref, mask, n, estimator, a);
    scalar.klPerToken(lp, ref, mask, n, estimator, b);
    for (int i = 0; i < n; i++) {
      if (masked && mask[i] == 0f) {
        assertEquals(0f, a[i], 0f, "masked position " + i);
        continue;
      }
      double exact = estimator.apply(lp[i], ref[i]);
      close(exact, a[i], 1e-6, 1e-5, estimator + " at " + i + " (d = " + (ref[i] - lp[i]) + ")");
      close(exact, b[i], 1e-6, 1e-5, estimator + " scalar at " + i);
    }
  }

  @Property(tries = 80)
  void gaeAgreesOnBothPaths(@ForAll @IntRange(min = 1, max = 4) int batch,
      @ForAll @IntRange(min = 1, max = 300) int time, @ForAll ScorePlacement placement,
      @ForAll GaeParams.RewardWhitening whitening, @ForAll boolean holes, @ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = batch * time;
    float[] rewards = new float[n];
    float[] values = new float[n];
    float[] mask = new float[n];
    int ones = 0;
    for (int b = 0; b < batch; b++) {
      int len = rnd.nextInt(time + 1);
      if (placement == ScorePlacement.LAST_RESPONSE_TOKEN) {
        len = Math.max(len, 1); // that placement needs a token to score
      }
      for (int t = 0; t < time; t++) {
        int i = b * time + t;
        values[i] = (float) rnd.nextGaussian();
        boolean on = t < len && !(holes && placement == ScorePlacement.LAST_RESPONSE_TOKEN && t % 7 == 3);
        mask[i] = on ? 1f : 0f;
        rewards[i] = on ? (float) (0.2 * rnd.nextGaussian()) : 0f;
        ones += on ? 1 : 0;
      }
    }
    if (ones < 3) {
      return; // whitening needs variation; such batches are rejected by both paths alike
    }
    GaeParams params = new GaeParams(new double[] {1.0, 0.99, 0.9}[rnd.nextInt(3)],
        new double[] {1.0, 0.95, 0.8}[rnd.nextInt(3)], whitening, placement);
    float[][] adv = new float[2][n];
    float[][] raw = new float[2][n];
    float[][] ret = new float[2][n];
    fast.gae(params, rewards, values, mask, batch, time, adv[0], raw[0], ret[0]);
    scalar.gae(params, rewards, values, mask, batch, time, adv[1], raw[1], ret[1]);
    for (int i = 0; i < n; i++) {
      close(raw[1][i], raw[0][i], 1e-6, 1e-5, "raw advantage " + i);
      close(ret[1][i], ret[0][i], 1e-6, 1e-5, "return " + i);
      close(adv[1][i], adv[0][i], 1e-6, 1e-5, "advantage " + i);
    }
  }

  @Property(tries = 80)
  void groupAdvantagesAgreeOnBothPaths(@ForAll @IntRange(min = 1, max = 20) int groupSize,
      @ForAll @IntRange(min = 1, max = 40) int groups, @ForAll RewardScaling scaling,
      @ForAll boolean farFromZero, @ForAll long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = groupSize * groups;
    float[] rewards = new float[n];
    for (int i = 0; i < n; i++) {
      rewards[i] = (float) ((farFromZero ? 1000.5 : 0) + (rnd.nextInt(5) == 0 ? 0 : rnd.nextGaussian()));
    }
    GroupAdvantageParams params = GroupAdvantageParams.of(groupSize, scaling);
    float[] a = new float[n];
    float[] b = new float[n];
    fast.groupAdvantages(params, rewards, n, a);
    scalar.groupAdvantages(params, rewards, n, b);
    for (int i = 0; i < n; i++) {
      close(b[i], a[i], 1e-6, 1e-5, "advantage " + i + " (G = " + groupSize + ", " + scaling + ")");
    }
  }
}
