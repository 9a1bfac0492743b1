package dev.align4j.core.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.align4j.core.runtime.DjlSetup;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Properties of the Bradley–Terry objective. */
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
}
