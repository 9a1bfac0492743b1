package dev.align4j.core.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.runtime.DjlSetup;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GrpoObjectiveTest {
  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = DjlSetup.newManager();
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  /**
   * On the first, on-policy step ρ = 1 exactly, and the GRPO loss's gradient is {@code −A_b / (B·L_b)} per valid
   * token (sequence-mean aggregation, β = 0): the ratio is {@code exp(logπ − sg(logπ_old))}.
   */
  @Test
  void onPolicyGradientIsAdvantageOverLength() {
    try (NDManager m = manager.newSubManager()) {
      float[] lp = {-1f, -2f, -0.5f, -3f, -1.5f, -2.5f};
      float[] mask = {1, 1, 1, 1, 0, 0};
      float[] adv = {0.7f, -1.2f};
      NDArray logprobs = m.create(lp, new Shape(2, 3));
      logprobs.setRequiresGradient(true);
      try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
        ObjectiveResult r = GrpoObjective.of(new GrpoLossType.Grpo(), 0).compute(new GrpoBatch(logprobs,
            m.create(lp, new Shape(2, 3)), Optional.empty(), m.create(adv), m.create(mask, new Shape(2, 3))));
        gc.backward(r.loss());
        // loss = mean_b(−A_b) at ρ = 1
        assertEquals(-(0.7 - 1.2) / 2, r.lossValue(), 1e-6);
      }
      float[] g = logprobs.getGradient().toFloatArray();
      float[] expected = {-0.7f / 6, -0.7f / 6, -0.7f / 6, 1.2f / 2, 0, 0};
      for (int i = 0; i < g.length; i++) {
        assertEquals(expected[i], g[i], 1e-6, "gradient at " + i);
      }
    }
  }

  @Test
  void aNonZeroBetaNeedsReferenceLogprobs() {
    try (NDManager m = manager.newSubManager()) {
      NDArray lp = m.zeros(new Shape(1, 2));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GrpoObjective.of(new GrpoLossType.Bnpo(), 0.04).compute(
              new GrpoBatch(lp, lp, Optional.empty(), m.zeros(new Shape(1)), m.ones(new Shape(1, 2)))));
      assertTrue(e.getMessage().contains("no reference log-probs"), e.getMessage());
    }
  }

  @Test
  void configurationIsValidated() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GrpoObjective.of(new GrpoLossType.Grpo(), -0.1));
    assertTrue(e.getMessage().contains("beta must be finite and >= 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GrpoLossType.DrGrpo(0));
    assertTrue(e.getMessage().contains("maxCompletionLength must be >= 1, got 0"), e.getMessage());
  }
}
