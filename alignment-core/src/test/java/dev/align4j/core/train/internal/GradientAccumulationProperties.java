package dev.align4j.core.train.internal;

import dev.align4j.core.train.*;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Micro-batch k × accumulation n/k gives the same update as one batch of n (TRL's invariance test). */
class GradientAccumulationProperties {

  @Property(tries = 8)
  void accumulationEqualsTheLargeBatch(@ForAll @IntRange(min = 2, max = 4) int microBatches, @ForAll long seed) {
    int[][] data = TinyLm.data(seed, 2 * microBatches, 9);
    List<int[][]> one = new ArrayList<>();
    one.add(data);
    List<float[]> whole = train(seed, one);
    List<int[][]> parts = new ArrayList<>();
    for (int i = 0; i < microBatches; i++) {
      parts.add(Arrays.copyOfRange(data, 2 * i, 2 * i + 2));
    }
    List<float[]> accumulated = train(seed, parts);
    for (int i = 0; i < whole.size(); i++) {
      for (int j = 0; j < whole.get(i).length; j++) {
        assertEquals(whole.get(i)[j], accumulated.get(i)[j], 2e-6, "parameter " + i + " element " + j);
      }
    }
  }

  private static List<float[]> train(long seed, List<int[][]> parts) {
    try (LanguageModel lm = TinyLm.create(seed, 8, 1);
        AdamW opt = new AdamW(lm.model().parameters(), OptimizerConfig.of(1e-3, 3), lm.model().manager())) {
      GradientStep stepper = new GradientStep(opt, lm.model().manager());
      for (int s = 1; s <= 2; s++) {
        List<MicroBatch> mbs = new ArrayList<>();
        for (int[][] p : parts) {
          mbs.add(TinyLm.nll(lm, p));
        }
        stepper.run(s, mbs);
      }
      List<float[]> w = new ArrayList<>();
      for (Parameter p : lm.model().parameters()) {
        w.add(p.value().toFloatArray());
      }
      return w;
    }
  }
}
