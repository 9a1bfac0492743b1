package dev.align4j.core.dpo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.runtime.DjlSetup;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Properties of the DPO objective (Rafailov et al. 2023). */
class DpoProperties {
  private static NDManager manager;

  @BeforeContainer
  static void start() {
    manager = DjlSetup.newManager();
  }

  @AfterContainer
  static void stop() {
    manager.close();
  }

  /** At zero margin (equal log-ratios) the sigmoid loss is −log σ(0) = ln 2 for every pair. */
  @Property(tries = 50)
  void sigmoidLossIsLn2AtZeroMargin(@ForAll @IntRange(min = 1, max = 16) int n,
      @ForAll @DoubleRange(min = 0.01, max = 1) double beta, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] pc = new float[n];
    float[] pr = new float[n];
    float[] rc = new float[n];
    float[] rr = new float[n];
    for (int i = 0; i < n; i++) {
      float ratio = (float) rnd.nextGaussian() * 4;
      rc[i] = (float) (-30 * rnd.nextDouble());
      rr[i] = (float) (-30 * rnd.nextDouble());
      pc[i] = rc[i] + ratio;
      pr[i] = rr[i] + ratio;
    }
    try (NDManager m = manager.newSubManager()) {
      // equal ratios before rounding; float32 rounding of pc and pr leaves a margin of at most a few ulps of 30
      ObjectiveResult r = DpoObjective.of(beta, new DpoLossType.Sigmoid()).compute(
          DpoBatch.of(m.create(pc), m.create(pr), m.create(rc), m.create(rr)));
      assertEquals(Math.log(2), r.lossValue(), 1e-5 * (1 + beta * 30));
    }
  }

  /**
   * Swapping chosen and rejected maps the margin to its negative, and the sigmoid loss moves by exactly the scaled
   * margin: {@code −log σ(−z) − (−log σ(z)) = z}.
   */
  @Property(tries = 50)
  void swappingChosenAndRejectedNegatesTheMargin(@ForAll @IntRange(min = 1, max = 16) int n,
      @ForAll @DoubleRange(min = 0.01, max = 1) double beta, @ForAll long seed) {
    Random rnd = new Random(seed);
    float[][] x = new float[4][n];
    for (float[] row : x) {
      for (int i = 0; i < n; i++) {
        row[i] = (float) (-40 * rnd.nextDouble());
      }
    }
    try (NDManager m = manager.newSubManager()) {
      DpoObjective dpo = DpoObjective.of(beta, new DpoLossType.Sigmoid());
      ObjectiveResult fwd = dpo.compute(DpoBatch.of(m.create(x[0]), m.create(x[1]), m.create(x[2]), m.create(x[3])));
      ObjectiveResult swap = dpo.compute(DpoBatch.of(m.create(x[1]), m.create(x[0]), m.create(x[3]), m.create(x[2])));
      double margin = fwd.metric("rewards/margins");
      assertEquals(-margin, swap.metric("rewards/margins"), 1e-5 * (1 + Math.abs(margin)));
      float[] lf = fwd.output("losses").toFloatArray();
      float[] ls = swap.output("losses").toFloatArray();
      float[] z = fwd.output("chosen_rewards").sub(fwd.output("rejected_rewards")).toFloatArray();
      for (int i = 0; i < n; i++) {
        assertEquals(z[i], ls[i] - lf[i], 1e-4 * (1 + Math.abs(z[i])), "pair " + i);
      }
    }
  }
}
