package dev.align4j.core.rl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.align4j.api.data.Completion;
import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.model.BuiltinModels;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.ppo.PpoValueBatch;
import dev.align4j.core.ppo.PpoValueObjective;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * With TRL's score placement the score lands on slot {@code L} after the response, and TRL keeps and trains the value
 * there ({@code values} masked with {@code t ≤ L}). A rollout whose row is shorter than the batch width must carry its
 * value at {@code L} into GAE and into the value loss, with a gradient.
 */
class TrlValueSlotTest {
  private static final int PAD = 0;

  /** A random value model: every weight, the score head included, drawn from N(0, 0.1²). */
  private static TransformerModel valueModel() {
    Random rnd = new Random(3);
    return TransformerModel.create(BuiltinModels.tiny(12, 32, 1, 2), HeadKind.SCALAR, (name, shape, init) -> {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      float[] v = new float[(int) n];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (0.1 * rnd.nextGaussian());
      }
      return v;
    });
  }

  /** Row 0 answers with 2 tokens, row 1 with 4: the response width R is 4 and row 0 has its slot L = 2 free. */
  private static Rollouts rollouts() {
    List<Completion> cs = List.of(
        new Completion(new int[] {1, 5, 6}, new int[] {7, 2}, new float[2], true),
        new Completion(new int[] {1, 5}, new int[] {8, 9, 10, 2}, new float[4], true));
    return Rollouts.of(cs, List.of("a", "b"), Collections.nCopies(2, Map.of()), ids -> "x");
  }

  @Test
  void theTrlSlotAfterTheResponseKeepsItsValue() {
    Rollouts ro = rollouts();
    int r = ro.responseWidth();
    try (TransformerModel vm = valueModel(); NDManager m = vm.manager().newSubManager()) {
      float[] trl = ro.values(m, vm, PAD, ScorePlacement.AFTER_RESPONSE_TRL).toFloatArray();
      float[] paper = ro.values(m, vm, PAD, ScorePlacement.LAST_RESPONSE_TOKEN).toFloatArray();
      // Full forward of row 0 alone: prompt 1 5 6, response 7 2 → the hidden state at its last token (index 4)
      // is slot L = 2 in the response layout.
      NDArray alone = vm.scalars(vm.hidden(ro.select(new int[] {0}).layout(m, PAD, vm).input(), null));
      float[] a = alone.toFloatArray();                    // (1, P + R) with P = 3 for this single row
      assertEquals(a[2 + 2], trl[2], 1e-5, "slot L of row 0 holds the value of the last response token's state");
      assertNotEquals(0f, trl[2], "the value at L is not masked away");
      assertEquals(0.0, trl[3], 0.0, "beyond L the value is masked");
      assertEquals(0.0, paper[2], 0.0, "with the paper's placement slot L is off the value mask");
      for (int j = 0; j < r; j++) {
        assertEquals(paper[r + j], trl[r + j], 1e-6, "row 1 fills the width: both masks agree at " + j);
      }

      // GAE reads V[L]: δ_{L−1} = r_{L−1} + γ·V[L] − V[L−1], so the advantage at L−1 moves with V[L].
      float[] mask = ro.mask();
      float[] rewards = new float[2 * r];
      rewards[2] = 1f;                                     // TRL puts row 0's score on slot L = 2
      rewards[r + 3] = 1f;                                 // row 1 is full: its score sits on its last token
      float[] adv = new float[2 * r];
      float[] returns = new float[2 * r];
      GaeParams gae = GaeParams.of(1.0, 0.95).with(ScorePlacement.AFTER_RESPONSE_TRL);
      KernelProviders.best().gae(gae, rewards, trl, mask, 2, r, new float[2 * r], adv, returns);
      float[] zeroed = trl.clone();
      zeroed[2] = 0f;
      float[] advZeroed = new float[2 * r];
      KernelProviders.best().gae(gae, rewards, zeroed, mask, 2, r, new float[2 * r], advZeroed, new float[2 * r]);
      assertNotEquals(advZeroed[1], adv[1], "the advantage before L depends on V[L]");
    }
  }

  @Test
  void theValueLossTrainsTheTrlSlot() {
    Rollouts ro = rollouts();
    int r = ro.responseWidth();
    try (TransformerModel vm = valueModel(); NDManager m = vm.manager().newSubManager()) {
      float[] v0 = ro.values(m, vm, PAD, ScorePlacement.AFTER_RESPONSE_TRL).toFloatArray();
      // Returns equal the values everywhere but at row 0's slot L: only that slot carries a loss, so any gradient
      // reaching the weights comes from it.
      float[] returns = v0.clone();
      returns[2] += 1f;
      vm.setTrainable(true);
      Shape shape = new Shape(2, r);
      try (GradientCollector gc = vm.manager().getEngine().newGradientCollector()) {
        NDArray v = ro.values(m, vm, PAD, ScorePlacement.AFTER_RESPONSE_TRL);
        var res = new PpoValueObjective(0.2, ScorePlacement.AFTER_RESPONSE_TRL).compute(new PpoValueBatch(v,
            m.create(v0, shape), m.create(returns, shape), ro.maskArray(m)));
        assertTrue(res.lossValue() > 0, "slot L is in the loss: " + res.lossValue());
        gc.backward(res.loss());
      }
      double norm = 0;
      for (Parameter p : vm.parameters()) {
        for (float g : p.value().getGradient().toFloatArray()) {
          norm += g * g;
        }
      }
      assertTrue(norm > 1e-12, "the value loss at slot L has a gradient: squared norm " + norm);
    }
  }
}
