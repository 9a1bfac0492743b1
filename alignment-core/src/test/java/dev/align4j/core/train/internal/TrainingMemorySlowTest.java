package dev.align4j.core.train.internal;

import dev.align4j.core.train.*;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.model.LanguageModel;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Peak resident memory after 2,000 training steps is within 10 % of that after 200 (the models issue's acceptance
 * line). Slow: run with {@code mvn -B verify -DincludedTestGroups=slow -DexcludedTestGroups=}.
 */
@Tag("slow")
class TrainingMemorySlowTest {
  @Test
  void peakMemoryStaysFlatOverTwoThousandSteps() {
    try (LanguageModel lm = TinyLm.create(11, 64, 4);
        AdamW opt = new AdamW(lm.model().parameters(), OptimizerConfig.of(1e-3, 2000), lm.model().manager())) {
      GradientStep stepper = new GradientStep(opt, lm.model().manager());
      long peakAt200 = -1;
      for (int s = 1; s <= 2000; s++) {
        stepper.run(s, List.of(TinyLm.nll(lm, TinyLm.data(s, 8, 30))));
        if (s == 200) {
          peakAt200 = ProcessMemory.peakResidentBytes();
        }
      }
      long peakAt2000 = ProcessMemory.peakResidentBytes();
      assertTrue(peakAt2000 <= 1.10 * peakAt200,
          "peak RSS grew from " + peakAt200 / 1048576 + " MB at step 200 to " + peakAt2000 / 1048576 + " MB");
    }
  }
}
