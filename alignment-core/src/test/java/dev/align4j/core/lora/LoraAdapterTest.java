package dev.align4j.core.lora;

import static dev.align4j.core.lora.LoraFixtures.load;
import static dev.align4j.core.lora.LoraFixtures.logprobs;
import static dev.align4j.core.lora.LoraFixtures.maxAbsDiff;
import static dev.align4j.core.lora.LoraFixtures.randomiseB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.TransformerModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The LoRA branch on the tiny Llama and GPT-2 checkpoints: identity at init, merge, disable, freezing, dropout. */
class LoraAdapterTest {

  /** B starts at zero, so the adapted model's log-probs are the base's, bit for bit. */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-llama", "tiny-gpt2"})
  void aFreshAdapterGivesExactlyTheBaseLogprobs(String name) throws Exception {
    try (TransformerModel m = load(name, HeadKind.LANGUAGE_MODEL)) {
      float[] base = logprobs(m);
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().allLinear().r(4).seed(3).build());
      assertFalse(a.adaptedModules().isEmpty());
      assertArrayEquals(base, logprobs(m), "a fresh all-linear adapter changes nothing");
    }
  }

  /** W + scale·B·A in the weights gives what the branch computes, within 1e-5 (rsLoRA's scale too). */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-llama", "tiny-gpt2"})
  void theMergedModelEqualsTheAdaptedModel(String name) throws Exception {
    for (boolean rslora : new boolean[] {false, true}) {
      try (TransformerModel m = load(name, HeadKind.LANGUAGE_MODEL)) {
        float[] base = logprobs(m);
        LoraAdapter a = LoraAdapter.apply(m,
            LoraConfig.builder().allLinear().r(4).loraAlpha(16).useRslora(rslora).seed(5).build());
        randomiseB(a, 11, 0.05);
        float[] adapted = logprobs(m);
        assertTrue(maxAbsDiff(base, adapted) > 1e-2, "the random B must change the model for the test to mean anything");
        a.merge();
        float[] merged = logprobs(m);
        assertTrue(maxAbsDiff(adapted, merged) <= 1e-5,
            name + " rslora " + rslora + ": merged vs adapted differ by " + maxAbsDiff(adapted, merged));
        for (var l : m.linearModules().values()) {
          assertEquals(null, l.adapter(), "merge detaches " + l.name());
        }
        assertThrows(IllegalStateException.class, a::enable);
      }
    }
  }

  /** Disabled, the model is the base exactly; re-enabled, the adapter acts again. */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-llama", "tiny-gpt2"})
  void disablingGivesTheBaseExactly(String name) throws Exception {
    try (TransformerModel m = load(name, HeadKind.LANGUAGE_MODEL)) {
      float[] base = logprobs(m);
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().seed(1).build());
      randomiseB(a, 2, 0.1);
      float[] adapted = logprobs(m);
      assertArrayEquals(base, a.withAdapterDisabled(() -> logprobs(m)));
      assertTrue(a.isEnabled());
      a.disable();
      assertArrayEquals(base, logprobs(m));
      a.enable();
      assertArrayEquals(adapted, logprobs(m));
      assertTrue(maxAbsDiff(base, adapted) > 1e-3);
    }
  }

  /** Under a gradient collector only A and B get gradients; B's is not zero at init (A's is, as B = 0). */
  @Test
  void onlyTheAdapterTrains() throws Exception {
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().build());
      Set<Parameter> trainable = new HashSet<>(a.trainableParameters());
      assertEquals(2 * 4, trainable.size(), "q_proj and v_proj of 2 layers, A and B each");
      LanguageModel lm = new LanguageModel(m, 0, Set.of(2));
      try (NDManager step = m.manager().newSubManager();
          GradientCollector gc = step.getEngine().newGradientCollector()) {
        NDArray loss = lm.score(step, new TokenBatch(LoraFixtures.ROWS, TokenBatch.Padding.RIGHT), 1.0, false)
            .logprobs().sum().neg();
        gc.backward(loss);
        for (Parameter p : m.parameters()) {
          assertFalse(p.value().hasGradient(), "base parameter " + p.name() + " must be frozen");
        }
        for (Parameter p : trainable) {
          assertTrue(p.value().hasGradient(), p.name());
          float[] g = p.value().getGradient().toFloatArray();
          double norm = 0;
          for (float x : g) {
            norm += x * x;
          }
          if (p.name().endsWith("lora_B.weight")) {
            assertTrue(norm > 0, p.name() + " has a zero gradient");
          }
        }
      }
    }
  }

  /** A is U(−1/√in, 1/√in) (Kaiming-uniform, a = √5), B zero, and the same seed gives the same A. */
  @Test
  void theInitialisationIsPeftsAndSeeded() throws Exception {
    float[] first = null;
    for (int run = 0; run < 2; run++) {
      try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
        LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().seed(9).build());
        Parameter[] ab = a.branch("model.layers.0.self_attn.q_proj");
        assertEquals(List.of(64L, 8L), List.of(ab[0].value().getShape().get(0), ab[0].value().getShape().get(1)),
            "A held (in, r)");
        float[] av = ab[0].value().toFloatArray();
        double bound = 1 / Math.sqrt(64);
        double max = 0;
        for (float v : av) {
          assertTrue(Math.abs(v) <= bound, "A value " + v + " outside ±" + bound);
          max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.9 * bound, "A fills its range, max " + max);
        for (float v : ab[1].value().toFloatArray()) {
          assertEquals(0f, v);
        }
        if (first == null) {
          first = av;
        } else {
          assertArrayEquals(first, av, "same seed, same A");
        }
      }
    }
  }

  /** Dropout acts only in training and only on the branch: disabled, a training pass is the base exactly. */
  @Test
  void dropoutActsOnTheBranchOnlyAndOnlyInTraining() throws Exception {
    try (TransformerModel m = load("tiny-gpt2", HeadKind.LANGUAGE_MODEL)) {
      float[] base = logprobs(m);
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().loraDropout(0.5).seed(4).build());
      randomiseB(a, 8, 0.1);
      float[] eval1 = logprobs(m);
      assertArrayEquals(eval1, logprobs(m), "no dropout in inference");
      a.mode(LoraAdapter.Mode.TRAINING);
      float[] train1 = logprobs(m);
      float[] train2 = logprobs(m);
      assertTrue(maxAbsDiff(eval1, train1) > 1e-4 && maxAbsDiff(train1, train2) > 1e-4, "masks differ per pass");
      assertArrayEquals(base, a.withAdapterDisabled(() -> logprobs(m)), "base untouched by dropout");
    }
  }

  /** modules_to_save: the head's trainable copy is used while enabled, the original when disabled. */
  @Test
  void aSavedHeadIsACopyThatDisablingBypasses() throws Exception {
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      float[] base = logprobs(m);
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().modulesToSave(List.of("lm_head")).build());
      assertEquals(List.of("lm_head"), a.savedModules());
      Parameter copy = a.trainableParameters().get(a.trainableParameters().size() - 1);
      assertEquals("base_model.model.lm_head.weight", copy.name());
      copy.value().set(copy.value().mul(1.5f).toFloatArray());
      float[] changed = logprobs(m);
      assertTrue(maxAbsDiff(base, changed) > 1e-3);
      assertArrayEquals(base, a.withAdapterDisabled(() -> logprobs(m)));
      a.merge();
      assertTrue(maxAbsDiff(changed, logprobs(m)) <= 1e-6, "merge writes the copy over the head");
    }
  }
}
