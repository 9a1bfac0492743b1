package dev.align4j.core.train.internal;

import dev.align4j.core.train.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingEngineTest {

  private static List<float[]> weights(LanguageModel lm) {
    List<float[]> w = new ArrayList<>();
    for (Parameter p : lm.model().parameters()) {
      w.add(p.value().toFloatArray());
    }
    return w;
  }

  @Test
  void trainingLowersTheLossAndIsDeterministic() {
    List<List<float[]>> finals = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (LanguageModel lm = TinyLm.create(3, 16, 2);
          AdamW opt = new AdamW(lm.model().parameters(), OptimizerConfig.of(1e-2, 30), lm.model().manager())) {
        GradientStep stepper = new GradientStep(opt, lm.model().manager());
        int[][] data = TinyLm.data(5, 8, 10);
        double first = 0;
        double last = 0;
        for (int s = 1; s <= 30; s++) {
          StepResult r = stepper.run(s, List.of(TinyLm.nll(lm, data)));
          first = s == 1 ? r.loss() : first;
          last = r.loss();
        }
        assertTrue(last < first - 0.5, "loss fell from " + first + " to " + last);
        finals.add(weights(lm));
      }
    }
    for (int i = 0; i < finals.get(0).size(); i++) {
      assertArrayEquals(finals.get(0).get(i), finals.get(1).get(i), 0f, "seeded runs give identical weights");
    }
  }

  /** AdamW's first update, checked against the formula in double: p − lr·(m̂/(√v̂+ε)) − lr·λ·p. */
  @Test
  void adamWMatchesItsFormula() {
    try (LanguageModel lm = TinyLm.create(4, 8, 1)) {
      double lr = 0.01;
      double wd = 0.1;
      OptimizerConfig c = new OptimizerConfig(lr, 0.9, 0.999, 1e-8, wd, 0, new LrSchedule.Constant(0));
      Parameter p = lm.model().parameterSet().get("transformer.h.0.mlp.c_fc.weight");
      float[] before = p.value().toFloatArray();
      try (AdamW opt = new AdamW(lm.model().parameters(), c, lm.model().manager())) {
        float[] grad;
        try (NDManager m = lm.model().manager().newSubManager()) {
          try (var gc = m.getEngine().newGradientCollector()) {
            gc.backward(TinyLm.nll(lm, TinyLm.data(1, 4, 8)).compute(m).loss());
          }
          grad = AdamW.gradient(p, m).toFloatArray();
          opt.update(m, lr, 1.0);
        }
        float[] after = p.value().toFloatArray();
        for (int i = 0; i < before.length; i++) {
          double g = grad[i];
          double mHat = (0.1 * g) / (1 - 0.9);
          double vHat = (0.001 * g * g) / (1 - 0.999);
          double expected = before[i] * (1 - lr * wd) - lr * mHat / (Math.sqrt(vHat) + 1e-8);
          assertEquals(expected, after[i], 1e-6, "element " + i);
        }
      }
    }
  }

  @Test
  void clippingScalesTheGlobalNorm() {
    try (LanguageModel lm = TinyLm.create(6, 8, 1);
        AdamW opt = new AdamW(lm.model().parameters(),
            new OptimizerConfig(1e-3, 0.9, 0.999, 1e-8, 0, 0.05, new LrSchedule.Constant(0)), lm.model().manager())) {
      int[][] data = TinyLm.data(2, 4, 8);
      double expectedNorm;
      try (NDManager m = lm.model().manager().newSubManager()) {
        try (var gc = m.getEngine().newGradientCollector()) {
          gc.backward(TinyLm.nll(lm, data).compute(m).loss());
        }
        double sq = 0;
        for (Parameter p : lm.model().parameters()) {
          for (float g : AdamW.gradient(p, m).toFloatArray()) {
            sq += (double) g * g;
          }
        }
        expectedNorm = Math.sqrt(sq);
        opt.zeroGradients();
      }
      StepResult r = new GradientStep(opt, lm.model().manager()).run(1, List.of(TinyLm.nll(lm, data)));
      assertEquals(expectedNorm, r.gradNorm(), 1e-4 * expectedNorm, "global norm before clipping");
      assertTrue(r.gradNorm() > 0.05, "the clip is active in this test");
    }
  }

  @Test
  void aNonFiniteLossStopsWithTheStepNamedAndTheWeightsUntouched() {
    try (LanguageModel lm = TinyLm.create(7, 8, 1);
        AdamW opt = new AdamW(lm.model().parameters(), OptimizerConfig.of(1e-2, 10), lm.model().manager())) {
      List<float[]> before = weights(lm);
      MicroBatch nan = new MicroBatch() {
        @Override public double weight() {
          return 1;
        }

        @Override public LossAndMetrics compute(NDManager m) {
          NDArray loss = TinyLm.nll(lm, TinyLm.data(1, 2, 6)).compute(m).loss().mul(Float.NaN);
          return new LossAndMetrics(loss, Map.of());
        }
      };
      NonFiniteException e = assertThrows(NonFiniteException.class,
          () -> new GradientStep(opt, lm.model().manager()).run(17, List.of(nan)));
      assertTrue(e.getMessage().startsWith("step 17: the loss is NaN"), e.getMessage());
      List<float[]> after = weights(lm);
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i), 0f);
      }
    }
  }

  @Test
  void theModelManagerStaysFlatOverManySteps() {
    try (LanguageModel lm = TinyLm.create(8, 16, 2);
        AdamW opt = new AdamW(lm.model().parameters(), OptimizerConfig.of(1e-3, 100), lm.model().manager())) {
      GradientStep stepper = new GradientStep(opt, lm.model().manager());
      int[][] data = TinyLm.data(9, 8, 12);
      stepper.run(1, List.of(TinyLm.nll(lm, data)));
      int arrays = lm.model().manager().getManagedArrays().size();
      for (int s = 2; s <= 60; s++) {
        stepper.run(s, List.of(TinyLm.nll(lm, data), TinyLm.nll(lm, data)));
      }
      assertEquals(arrays, lm.model().manager().getManagedArrays().size(), "arrays owned by the model's manager");
    }
  }

  @Test
  void schedulesWarmUpAndDecay() {
    LrSchedule cos = new LrSchedule.Cosine(10, 110, 0.1);
    assertEquals(0.1, cos.factor(1), 1e-12);
    assertEquals(1.0, cos.factor(10), 1e-12);
    assertEquals(0.55, cos.factor(60), 1e-12, "half way: min + (1 − min)/2");
    assertEquals(0.1, cos.factor(110), 1e-12);
    LrSchedule lin = new LrSchedule.Linear(0, 100);
    assertEquals(0.5, lin.factor(50), 1e-12);
    assertEquals(0.0, lin.factor(100), 1e-12);
  }
}
