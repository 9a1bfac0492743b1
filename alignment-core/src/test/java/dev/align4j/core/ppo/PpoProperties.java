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
}
