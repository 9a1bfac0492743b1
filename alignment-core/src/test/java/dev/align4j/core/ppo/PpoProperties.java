package dev.align4j.core.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.runtime.DjlSetup;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Properties of PPO's clipped surrogate (Schulman et al. 2017, eq. 7). */
class PpoProperties {
  private static NDManager manager;

  @BeforeContainer
  static void start() {
    manager = DjlSetup.newManager();
  }

  @AfterContainer
  static void stop() {
    manager.close();
  }

  /**
   * At ratio 1 (log-probs equal to the old ones) the clip is inactive: the loss is the unclipped
   * {@code −mean_mask(A)}, nothing counts as clipped, and the gradient is {@code −A·mask/Σmask}, the ratio staying
   * in the graph.
   */
  @Property(tries = 40)
  void clipIsInactiveAtRatioOne(@ForAll @IntRange(min = 1, max = 4) int batch,
      @ForAll @IntRange(min = 1, max = 8) int time, @ForAll @DoubleRange(min = 0, max = 0.5) double clip,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] lp = new float[batch * time];
    float[] adv = new float[batch * time];
    float[] mask = new float[batch * time];
    double sumAdv = 0;
    int valid = 0;
    for (int i = 0; i < lp.length; i++) {
      lp[i] = (float) (-3 * rnd.nextDouble());
      adv[i] = (float) rnd.nextGaussian();
      mask[i] = i == 0 || rnd.nextBoolean() ? 1 : 0;
      if (mask[i] == 1) {
        sumAdv += adv[i];
        valid++;
      }
    }
    try (NDManager m = manager.newSubManager()) {
      Shape s = new Shape(batch, time);
      NDArray logprobs = m.create(lp, s);
      logprobs.setRequiresGradient(true);
      NDArray advantages = m.create(adv, s);
      NDArray maskArr = m.create(mask, s);
      ObjectiveResult r;
      try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
        r = new PpoPolicyObjective(clip).compute(
            new PpoPolicyBatch(logprobs, m.create(lp, s), advantages, maskArr));
        gc.backward(r.loss());
      }
      assertEquals(-sumAdv / valid, r.lossValue(), 1e-5);
      assertEquals(0.0, r.metric("policy/clipfrac"), 0.0);
      float[] grad = logprobs.getGradient().toFloatArray();
      for (int i = 0; i < grad.length; i++) {
        assertEquals(-adv[i] * mask[i] / valid, grad[i], 1e-6, "gradient at " + i);
      }
    }
  }

  /**
   * Descending the surrogate raises the log-prob of tokens with positive advantage and lowers it for negative ones
   * (inside the clip range), and outside the range in the advantage's direction the gradient is exactly 0: a sign
   * flip of the advantage or a clip applied on the wrong side fails this.
   */
  @Property(tries = 60)
  void gradientsFollowTheAdvantageAndStopOutsideTheClip(@ForAll @DoubleRange(min = -3, max = 3) double advantage,
      @ForAll @DoubleRange(min = -0.6, max = 0.6) double logRatio) {
    double clip = 0.2;
    try (NDManager m = manager.newSubManager()) {
      Shape s = new Shape(1, 1);
      NDArray lp = m.create(new float[] {(float) (-1.0 + logRatio)}, s);
      lp.setRequiresGradient(true);
      ObjectiveResult r;
      try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
        r = new PpoPolicyObjective(clip).compute(new PpoPolicyBatch(lp, m.create(new float[] {-1f}, s),
            m.create(new float[] {(float) advantage}, s), m.create(new float[] {1f}, s)));
        gc.backward(r.loss());
      }
      double g = lp.getGradient().toFloatArray()[0];
      double ratio = Math.exp((float) (-1.0 + logRatio) - (-1f));
      boolean clippedAway = (advantage > 0 && ratio > 1 + clip) || (advantage < 0 && ratio < 1 - clip);
      if (clippedAway) {
        assertEquals(0.0, g, 0.0, "no gradient past the clip in the advantage's direction");
        assertEquals(-advantage * (advantage > 0 ? 1 + clip : 1 - clip), r.lossValue(), 1e-5);
      } else {
        // d(−A·ρ)/d logπ = −A·ρ: descent moves logπ with the sign of A
        assertEquals(-advantage * ratio, g, 1e-5 * (1 + Math.abs(advantage)), "unclipped gradient");
      }
    }
  }

  /**
   * The KL-penalised rewards of a row sum to the score minus β times its summed per-token KL (k1), the score on the
   * last response token: dropping the KL term, or putting the score elsewhere, fails this.
   */
  @Property(tries = 40)
  void penalisedRewardsAreTheScoreMinusBetaTimesTheKl(@ForAll @IntRange(min = 1, max = 6) int length,
      @ForAll @DoubleRange(min = 0, max = 1) double beta, @ForAll long seed) {
    Random rnd = new Random(seed);
    int time = 6;
    float[] lp = new float[time];
    float[] ref = new float[time];
    float[] mask = new float[time];
    double kl = 0;
    for (int t = 0; t < length; t++) {
      lp[t] = (float) (-3 * rnd.nextDouble());
      ref[t] = (float) (-3 * rnd.nextDouble());
      mask[t] = 1;
      kl += lp[t] - ref[t];
    }
    float score = (float) rnd.nextGaussian();
    float[] rewards = new float[time];
    int[] at = new int[1];
    dev.align4j.api.kernel.KernelProviders.best().klPenalizedRewards(dev.align4j.api.kernel.KlPenalty.of(beta,
        dev.align4j.api.kernel.KlEstimator.K1), new float[] {score}, lp, ref, mask, null, 1, time, rewards, null, at);
    double sum = 0;
    for (float v : rewards) {
      sum += v;
    }
    assertEquals(score - beta * kl, sum, 1e-4, "sum of per-token rewards");
    assertEquals(length - 1, at[0], "the score sits on the last response token");
    for (int t = length; t < time; t++) {
      assertEquals(0.0, rewards[t], 0.0, "no reward on padding");
    }
  }
}
