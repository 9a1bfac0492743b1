package dev.align4j.core.math;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.core.kernel.CpuKernelProvider;
import dev.align4j.core.runtime.DjlSetup;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The differentiable NDArray code and the CPU kernels compute the same numbers on random inputs, logits up to ±100
 * included. Tolerances: the NDArray side runs in float32 throughout (the kernels accumulate in double), so each
 * element may differ by about V float32 roundings of terms up to |logit|: {@code 1e-4·(1 + |x|)}.
 */
class NdArrayKernelAgreementProperties {
  private static NDManager manager;
  private final KernelProvider kernels = new CpuKernelProvider();

  @BeforeContainer
  static void start() {
    manager = DjlSetup.newManager();
  }

  @AfterContainer
  static void stop() {
    manager.close();
  }

  @Property(tries = 60)
  void softmaxQuantitiesAgree(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 2, max = 300)
      int vocab, @ForAll @DoubleRange(min = 0.1, max = 100) double scale,
      @ForAll @DoubleRange(min = 0.5, max = 2) double temperature, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] logits = gaussian(rnd, rows * vocab, scale);
    float[] ref = gaussian(rnd, rows * vocab, scale);
    int[] tokens = new int[rows];
    for (int r = 0; r < rows; r++) {
      tokens[r] = rnd.nextInt(vocab);
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.create(logits, new Shape(rows, vocab));
      NDArray y = m.create(ref, new Shape(rows, vocab));
      NDArray t = m.create(tokens, new Shape(rows));

      float[] lpKernel = new float[rows];
      kernels.tokenLogprobs(logits, tokens, rows, vocab, (float) temperature, lpKernel);
      assertClose(lpKernel, TokenDistributions.tokenLogprobs(x, t, temperature).toFloatArray(), "token log-probs");

      float[] hKernel = new float[rows];
      kernels.entropy(logits, rows, vocab, (float) temperature, hKernel);
      assertClose(hKernel, TokenDistributions.entropy(x, temperature).toFloatArray(), "entropy");

      float[] klKernel = new float[rows];
      kernels.fullKl(logits, ref, rows, vocab, klKernel);
      assertClose(klKernel, TokenDistributions.fullKl(x, y).toFloatArray(), "full KL");
    }
  }

  @Property(tries = 60)
  void klEstimatorsAgree(@ForAll @IntRange(min = 1, max = 64) int n, @ForAll KlEstimator estimator,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] lp = new float[n];
    float[] ref = new float[n];
    for (int i = 0; i < n; i++) {
      lp[i] = (float) (-5 * rnd.nextDouble());
      ref[i] = (float) (lp[i] + rnd.nextGaussian());
    }
    float[] kernel = new float[n];
    kernels.klPerToken(lp, ref, null, n, estimator, kernel);
    try (NDManager m = manager.newSubManager()) {
      float[] nd = KlEstimates.perToken(m.create(lp), m.create(ref), estimator).toFloatArray();
      assertClose(kernel, nd, "kl " + estimator);
    }
  }

  private static float[] gaussian(Random rnd, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) Math.max(-100, Math.min(100, rnd.nextGaussian() * scale));
    }
    return a;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), what + " at " + i);
    }
  }
}
