package dev.align4j.core.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.runtime.DjlSetup;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Properties of the Bradley–Terry objective, with hard and with soft labels. */
class BradleyTerryProperties {
  private static NDManager manager;

  @BeforeContainer
  static void start() {
    manager = DjlSetup.newManager();
  }

  @AfterContainer
  static void stop() {
    manager.close();
  }

  /** The loss depends only on reward differences: adding a constant to both rewards changes nothing. */
  @Property(tries = 60)
  void lossIsInvariantToAddingAConstantToBothRewards(@ForAll @IntRange(min = 1, max = 32) int n,
      @ForAll @DoubleRange(min = -50, max = 50) double shift, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] c = new float[n];
    float[] r = new float[n];
    float[] cs = new float[n];
    float[] rs = new float[n];
    for (int i = 0; i < n; i++) {
      c[i] = (float) (rnd.nextGaussian() * 3);
      r[i] = (float) (rnd.nextGaussian() * 3);
      cs[i] = (float) (c[i] + shift);
      rs[i] = (float) (r[i] + shift);
    }
    try (NDManager m = manager.newSubManager()) {
      BradleyTerryObjective bt = BradleyTerryObjective.plain();
      double base = bt.compute(new RewardPairBatch(m.create(c), m.create(r), Optional.empty())).lossValue();
      double moved = bt.compute(new RewardPairBatch(m.create(cs), m.create(rs), Optional.empty())).lossValue();
      // the shifted inputs are rounded to float32 at magnitude ~|shift|, which moves each difference by ~ulp(50)
      assertEquals(base, moved, 1e-5 * (1 + Math.abs(shift)));
    }
  }

  /** Loss and the gradients with respect to chosen and rejected, of one objective on one batch. */
  private record Evaluated(float loss, float[] gradChosen, float[] gradRejected) {}

  private static Evaluated evaluate(NDManager m, BradleyTerryObjective bt, float[] c, float[] r, float[] p) {
    NDArray chosen = m.create(c);
    NDArray rejected = m.create(r);
    chosen.setRequiresGradient(true);
    rejected.setRequiresGradient(true);
    ObjectiveResult res;
    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
      res = bt.compute(new RewardPairBatch(chosen, rejected, Optional.empty(),
          p == null ? Optional.empty() : Optional.of(m.create(p))));
      gc.backward(res.loss());
    }
    return new Evaluated(res.loss().toFloatArray()[0], chosen.getGradient().toFloatArray(),
        rejected.getGradient().toFloatArray());
  }

  private static float[] gaussian(Random rnd, int n, double scale) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rnd.nextGaussian() * scale);
    }
    return x;
  }

  private static float[] uniform(Random rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextFloat();
    }
    return x;
  }

  /**
   * With p = 1 on every pair the soft loss is today's hard loss, exactly: the same float32 value and the same
   * gradients, compared with a tolerance of 0 ({@code −0} and {@code +0} count as equal). Exact, not approximate,
   * because the soft loss is written {@code p·log σ(d) + (1 − p)·log σ(−d)}: at p = 1 that is {@code 1·x + 0·y},
   * which IEEE arithmetic returns as {@code x} itself for every finite y, and x is the hard loss's own
   * {@code log σ(d)} from the same kernel on the same array. Rewards of scale up to 40 reach |d| ≈ 100, where
   * {@code log σ(−d)} is large and a form like {@code log σ(d) − (1 − p)·d} would still agree but by rounding.
   */
  @Property(tries = 80)
  void softLabelsOfOneGiveExactlyTheHardLoss(@ForAll @IntRange(min = 1, max = 32) int n,
      @ForAll @DoubleRange(min = 0.01, max = 40) double scale, @ForAll boolean centred, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] c = gaussian(rnd, n, scale);
    float[] r = gaussian(rnd, n, scale);
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    OptionalDouble coef = centred ? OptionalDouble.of(0.01 + rnd.nextDouble()) : OptionalDouble.empty();
    try (NDManager m = manager.newSubManager()) {
      Evaluated hard = evaluate(m, new BradleyTerryObjective(MarginMode.NONE, LabelMode.HARD, coef), c, r, null);
      Evaluated soft = evaluate(m, new BradleyTerryObjective(MarginMode.NONE, LabelMode.SOFT, coef), c, r, ones);
      assertEquals(hard.loss(), soft.loss(), 0f, "loss");
      assertArrayEquals(hard.gradChosen(), soft.gradChosen(), 0f, "d loss / d chosen");
      assertArrayEquals(hard.gradRejected(), soft.gradRejected(), 0f, "d loss / d rejected");
    }
  }

  /**
   * A coin-flip label (p = 0.5) at equal rewards is already fitted: the loss is ln 2 and the gradient is exactly
   * zero, since {@code d/dd = σ(d) − p} and σ(0) = ½ exactly (softplus's backward at 0 is 1/(1 + 1)).
   */
  @Property(tries = 40)
  void aHalfLabelHasZeroGradientAtEqualRewards(@ForAll @IntRange(min = 1, max = 32) int n,
      @ForAll @DoubleRange(min = 0.01, max = 20) double scale, @ForAll long seed) {
    float[] c = gaussian(new Random(seed), n, scale);
    float[] halves = new float[n];
    java.util.Arrays.fill(halves, 0.5f);
    try (NDManager m = manager.newSubManager()) {
      Evaluated e = evaluate(m, BradleyTerryObjective.soft(), c, c.clone(), halves);
      assertEquals(Math.log(2), e.loss(), 1e-6, "loss at d = 0 is ln 2");
      assertArrayEquals(new float[n], e.gradChosen(), 0f, "d loss / d chosen");
      assertArrayEquals(new float[n], e.gradRejected(), 0f, "d loss / d rejected");
    }
  }

  /**
   * The gradient is the closed form {@code (σ(d) − p)/N} for chosen and its negative for rejected: training pulls
   * each pair's Bradley–Terry probability to its label. Tolerance 1e-6/N: float32 σ is good to a few ulps of 1.
   */
  @Property(tries = 60)
  void theGradientPullsTheProbabilityToTheLabel(@ForAll @IntRange(min = 1, max = 32) int n,
      @ForAll @DoubleRange(min = 0.01, max = 10) double scale, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] c = gaussian(rnd, n, scale);
    float[] r = gaussian(rnd, n, scale);
    float[] p = uniform(rnd, n);
    try (NDManager m = manager.newSubManager()) {
      Evaluated e = evaluate(m, BradleyTerryObjective.soft(), c, r, p);
      for (int i = 0; i < n; i++) {
        double d = (double) c[i] - r[i];
        double expected = (1 / (1 + Math.exp(-d)) - p[i]) / n;
        assertEquals(expected, e.gradChosen()[i], 1e-6 / n, "d loss / d chosen at " + i);
        assertEquals(-expected, e.gradRejected()[i], 1e-6 / n, "d loss / d rejected at " + i);
      }
    }
  }

  /**
   * Which side is called chosen is a convention: swapping chosen and rejected and replacing p by 1 − p gives the same
   * loss. Not bitwise, because 1 − p is rounded to float32 when p < ½ and 1 − (1 − p) then differs from p by up to
   * 2⁻²⁵, which moves a pair's loss by that times |log σ(d) − log σ(−d)| = |d|; the tolerance is that bound plus one
   * float32 rounding of the loss (1e-6 relative).
   */
  @Property(tries = 60)
  void swappingTheSidesAndComplementingTheLabelChangesNothing(@ForAll @IntRange(min = 1, max = 32) int n,
      @ForAll @DoubleRange(min = 0.01, max = 40) double scale, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] c = gaussian(rnd, n, scale);
    float[] r = gaussian(rnd, n, scale);
    float[] p = uniform(rnd, n);
    float[] q = new float[n];
    double maxD = 0;
    for (int i = 0; i < n; i++) {
      q[i] = 1f - p[i];
      maxD = Math.max(maxD, Math.abs((double) c[i] - r[i]));
    }
    try (NDManager m = manager.newSubManager()) {
      float forward = evaluate(m, BradleyTerryObjective.soft(), c, r, p).loss();
      float swapped = evaluate(m, BradleyTerryObjective.soft(), r, c, q).loss();
      assertEquals(forward, swapped, 1e-6 * (1 + Math.abs(forward)) + 3e-8 * maxD);
    }
  }
}
