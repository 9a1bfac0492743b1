package dev.align4j.core.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.train.CancellationToken;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingCancelledException;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.AlignModel;
import dev.align4j.core.lora.LoraConfig;
import dev.align4j.core.lora.LoraPolicy;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFT through a LoRA adapter ({@link LoraPolicy}): only the adapter trains (the optimizer holds its moments alone),
 * the held-out loss falls, checkpoints and {@code final/} are PEFT adapter folders that load back merged, and a
 * cancelled run resumes to bitwise the uninterrupted adapter (dropout 0).
 */
class LoraTrainingTest {
  private static final List<Demonstration> TRAIN = AnimalWorld.demonstrations(64, 5, AnimalWorld.Split.TRAIN);
  private static final List<Demonstration> HELD_OUT = AnimalWorld.demonstrations(16, 6, AnimalWorld.Split.HELD_OUT);
  private static final LoraConfig LORA = LoraConfig.builder().r(8).loraAlpha(16).allLinear().build();

  private static SftConfig config(long steps) {
    return SftConfig.builder().learningRate(1e-2).maxSteps(steps).batchSize(16).seed(7).maxLength(64).logEvery(2)
        .evalEvery(0).saveEvery(3).keepCheckpoints(2).threads(1).build();
  }

  @Test
  void onlyTheAdapterTrainsAndTheRunFolderHoldsPeftAdapters(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama());
        LoraPolicy policy = LoraPolicy.of(base, LORA, AnimalWorld.tinyLlama().toString());
        TrainingResult<LoraPolicy> r = SftTrainer.of(config(12)).runFolder(run).train(policy, TRAIN, HELD_OUT)) {
      double before = r.initialEval().get("eval/loss");
      double after = r.metric("eval/loss");
      assertTrue(after < before - 0.3, "held-out loss " + before + " -> " + after);
      int adapterTensors = r.model().parameters().size();
      assertEquals(2 * r.model().adapter().adaptedModules().size(), adapterTensors, "A and B per adapted module");

      Path checkpoint = run.resolve("checkpoints/step-12");
      try (SafetensorsReader moments = SafetensorsReader.open(checkpoint.resolve("optimizer.safetensors"))) {
        assertEquals(2 * adapterTensors, moments.tensors().size(), "AdamW's two moments of the adapter's tensors"
            + " only: " + moments.tensors().keySet());
      }
      for (Path folder : List.of(checkpoint, run.resolve("final"))) {
        assertTrue(Files.isRegularFile(folder.resolve("adapter_config.json")), folder + " is an adapter folder");
        assertTrue(Files.isRegularFile(folder.resolve("adapter_model.safetensors")));
        assertTrue(Files.isRegularFile(folder.resolve("tokenizer.json")), "TRL saves the tokenizer beside it");
        assertFalse(Files.exists(folder.resolve("model.safetensors")), "no copy of the base weights");
      }
      try (AlignModel merged = AlignModel.load(run.resolve("final"))) {
        Set<String> names = base.parameters().keySet();
        assertEquals(names, merged.parameters().keySet(), "a merged adapter is the base's architecture");
        assertFalse(java.util.Arrays.equals(
            base.parameters().get("model.layers.0.self_attn.q_proj.weight").toFloatArray(),
            merged.parameters().get("model.layers.0.self_attn.q_proj.weight").toFloatArray()),
            "the trained adapter is merged into q_proj");
      }
    }
  }

  @Test
  void aCancelledAdapterRunResumesToTheUninterruptedAdapter(@TempDir Path dir) throws Exception {
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama());
        LoraPolicy policy = LoraPolicy.of(base, LORA.toBuilder().loraDropout(0).build(), "base");
        LoraPolicy whole = SftTrainer.of(config(9)).train(policy, TRAIN).model()) {
      CancellationToken token = new CancellationToken();
      TrainingListener cancelAtFour = new TrainingListener() {
        @Override public void onStep(StepMetrics m) {
          if (m.step() >= 4) {
            token.cancel();
          }
        }
      };
      SftTrainer trainer = SftTrainer.of(config(9)).runFolder(dir.resolve("run"));
      TrainingCancelledException e = assertThrows(TrainingCancelledException.class,
          () -> trainer.listener(cancelAtFour).cancellation(token).train(policy, TRAIN));
      assertTrue(e.step() < 9, "stopped early at " + e.step());
      try (LoraPolicy resumed = trainer.train(policy, TRAIN).model()) {
        Map<String, NDArray> a = whole.parameters();
        Map<String, NDArray> b = resumed.parameters();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
          assertArrayEquals(a.get(name).toFloatArray(), b.get(name).toFloatArray(), 0f, name);
        }
      }
    }
  }

  /** DPO's reference cache is keyed by the reference's weights: a LoRA policy's key covers its base, too. */
  @Test
  void aLoraPolicysWeightsHashCoversItsBase() throws Exception {
    try (AlignModel a = AlignModel.load(AnimalWorld.tinyLlama()); AlignModel b = a.copy()) {
      b.parameters().get("model.norm.weight").muli(2f);
      try (LoraPolicy onA = LoraPolicy.of(a, LORA, "a"); LoraPolicy onB = LoraPolicy.of(b, LORA, "b")) {
        assertEquals(onA.parameters().keySet(), onB.parameters().keySet());
        assertFalse(dev.align4j.core.train.internal.Policies.weightsHash(onA)
            .equals(dev.align4j.core.train.internal.Policies.weightsHash(onB)), "same adapter, different bases");
      }
    }
  }
}
