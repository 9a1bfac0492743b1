package dev.align4j.core.stages;

import static dev.align4j.core.stages.AnimalWorld.Split.HELD_OUT;
import static dev.align4j.core.stages.AnimalWorld.Split.TRAIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoTrainer;
import dev.align4j.core.model.CompletionLogprobs;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.runtime.DjlSetup;
import dev.align4j.core.sft.Packing;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.TrainingArgs;
import dev.align4j.core.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SFT, then a reward model and DPO from the SFT checkpoint, on tiny-llama and the animal task (seeded). */
@Tag("integration")
class OfflineStagesIntegrationTest {

  /** The settings these tests share: batch 16, seed 7, 10 % warm-up, linear decay, max length 64. */
  private static <B extends TrainingArgs.AbstractBuilder<B>> B common(B b, double lr, long steps, int saveEvery,
      int threads) {
    return b.learningRate(lr).epochs(1).maxSteps(steps).batchSize(16).seed(7).warmupRatio(0.1).maxLength(64)
        .logEvery(10).saveEvery(saveEvery).keepCheckpoints(2).threads(threads);
  }

  private static AlignModel sft(Path dir, AlignModel base) throws Exception {
    return SftTrainer.of(common(SftConfig.builder(), 3e-3, 40, 0, 0).build()).runFolder(dir.resolve("sft"))
        .train(base, AnimalWorld.demonstrations(160, 1, TRAIN), AnimalWorld.demonstrations(32, 2, HELD_OUT))
        .model();
  }

  /** The evaluation sets below share no prompt (so no example) with their training sets. */
  @Test
  void theHeldOutSetsAreDisjointFromTheTrainingSets() {
    java.util.Set<String> sftTrain = new java.util.HashSet<>();
    for (Demonstration d : AnimalWorld.demonstrations(160, 1, TRAIN)) {
      sftTrain.add(promptOf(d));
    }
    for (Demonstration d : AnimalWorld.demonstrations(32, 2, HELD_OUT)) {
      assertTrue(!sftTrain.contains(promptOf(d)), "held-out SFT prompt seen in training: " + promptOf(d));
    }
    java.util.Set<String> pairTrain = new java.util.HashSet<>();
    for (var p : AnimalWorld.preferences(240, 3, TRAIN)) {
      pairTrain.add(p.prompt().toString());
    }
    var heldOut = AnimalWorld.preferences(60, 4, HELD_OUT);
    for (var p : heldOut) {
      assertTrue(!pairTrain.contains(p.prompt().toString()), "held-out pair's prompt seen in training: " + p);
    }
    // The split is by prompt, not by luck: 13 of the 52 prompts are held out, and the evaluation set uses several.
    assertEquals(13, java.util.stream.IntStream.range(0, AnimalWorld.COLORS.length).map(c ->
        (int) java.util.stream.IntStream.range(0, AnimalWorld.ANIMALS.length)
            .filter(a -> AnimalWorld.heldOut(c, a)).count()).sum());
    assertTrue(heldOut.stream().map(p -> p.prompt().toString()).distinct().count() >= 8, "varied held-out prompts");
  }

  private static String promptOf(Demonstration d) {
    return ((Demonstration.PromptCompletion) d).prompt().toString();
  }

  @Test
  void sftLowersHeldOutLossAndRaisesTheCompletionsLogprobs(@TempDir Path dir) throws Exception {
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama());
        TrainingResult<AlignModel> r = SftTrainer.of(common(SftConfig.builder(), 3e-3, 40, 20, 0)
            .packing(Packing.PACKED).build()).runFolder(dir.resolve("sft"))
            .train(base, AnimalWorld.demonstrations(160, 1, TRAIN), AnimalWorld.demonstrations(32, 2, HELD_OUT))) {
      double before = r.initialEval().get("eval/loss");
      double after = r.metric("eval/loss");
      assertTrue(after < 0.5 * before, "held-out loss fell from " + before + " to " + after);
      List<String> lines = Files.readAllLines(dir.resolve("sft/metrics.jsonl"));
      assertTrue(lines.get(0).contains("\"step\":0") && lines.get(0).contains("eval/loss"), lines.get(0));
      assertTrue(Files.isDirectory(dir.resolve("sft/checkpoints/step-40")), "a checkpoint at the end");
      double original = completionLogprob(base);
      double trained = completionLogprob(r.model());
      assertTrue(trained > original + 10, "training completions: " + original + " -> " + trained);
      try (AlignModel reloaded = AlignModel.load(dir.resolve("sft/final"))) {
        assertEquals(trained, completionLogprob(reloaded), 1e-4, "OUT/final is the returned model");
      }
    }
  }

  /** Mean summed log-prob of the training completions under {@code model}. */
  private static double completionLogprob(AlignModel model) throws Exception {
    try (NDManager m = DjlSetup.newManager()) {
      List<TokenizedSequence> seqs = new ArrayList<>();
      for (Demonstration d : AnimalWorld.demonstrations(20, 1, TRAIN)) {
        seqs.add(model.tokenizer().demonstration(d));
      }
      double sum = 0;
      for (float v : CompletionLogprobs.sums(m, model, seqs).toFloatArray()) {
        sum += v;
      }
      return sum / seqs.size();
    }
  }

  @Test
  void theRewardModelSeparatesChosenFromRejectedAndDpoLearnsThePreference(@TempDir Path dir) throws Exception {
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama()); AlignModel sft = sft(dir, base)) {
      try (TrainingResult<AlignRewardModel> rm = RewardTrainer.of(common(RewardConfig.builder(), 1e-3, 60, 0, 0)
          .build()).runFolder(dir.resolve("rm")).train(sft, AnimalWorld.preferences(240, 3, TRAIN),
          AnimalWorld.preferences(60, 4, HELD_OUT))) {
        RewardEvaluation ev = RewardEvaluation.from(rm.metrics());
        assertTrue(ev.accuracy() >= 0.9, "held-out accuracy " + ev.accuracy());
        assertTrue(Double.isFinite(ev.lengthCorrelation()), "length bias reported");
        assertTrue(Files.readString(dir.resolve("rm/final/config.json")).contains("LlamaForSequenceClassification"));
      }
      try (TrainingResult<AlignModel> dpo = DpoTrainer.of(common(DpoConfig.builder(), 1e-3, 40, 0, 0).beta(0.1)
          .klMaxNewTokens(12).build()).runFolder(dir.resolve("dpo")).train(sft,
          AnimalWorld.preferences(240, 3, TRAIN), AnimalWorld.preferences(60, 4, HELD_OUT))) {
        assertTrue(dpo.metric("eval/rewards/accuracies") > 0.9,
            "held-out reward accuracy " + dpo.metric("eval/rewards/accuracies"));
        assertTrue(dpo.metric("eval/rewards/margins") > dpo.initialEval().get("eval/rewards/margins") + 1,
            "margin grew from " + dpo.initialEval().get("eval/rewards/margins") + " to "
                + dpo.metric("eval/rewards/margins"));
        double kl = dpo.metric("eval/kl/reference");
        assertTrue(kl > 0 && Double.isFinite(kl), "KL to the reference reported: " + kl);
        assertTrue(Files.isRegularFile(dir.resolve("dpo/reference_logps.safetensors")), "reference log-probs cached");
      }
    }
  }

  /**
   * A run killed after a checkpoint and restarted with the same arguments reaches bitwise the same weights as an
   * uninterrupted run (one intra-op thread, same seed).
   */
  @Test
  void aKilledRunResumesToBitwiseTheSameWeights(@TempDir Path dir) throws Exception {
    SftConfig config = common(SftConfig.builder(), 3e-3, 12, 4, 1).build();
    var train = AnimalWorld.demonstrations(64, 5, TRAIN);
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama());
        AlignModel whole = SftTrainer.of(config).runFolder(dir.resolve("whole")).train(base, train).model()) {
      TrainingListener kill = new TrainingListener() {
        @Override public void onStep(StepMetrics m) {
          if (m.step() == 10) {
            throw new IllegalStateException("simulated kill at step 10");
          }
        }
      };
      Path killed = dir.resolve("killed");
      assertThrows(IllegalStateException.class, () -> SftTrainer.of(config).runFolder(killed).listener(kill)
          .train(base, train));
      assertTrue(Files.isDirectory(killed.resolve("checkpoints/step-8")), "the last checkpoint before the kill");
      try (AlignModel resumed = SftTrainer.of(config).runFolder(killed).train(base, train).model()) {
        long[] logged = Files.readAllLines(killed.resolve("metrics.jsonl")).stream()
            .mapToLong(l -> Long.parseLong(l.replaceAll(".*\"step\":(\\d+).*", "$1"))).toArray();
        assertArrayEquals(new long[] {10, 12}, logged, "each step logged once, replayed steps not twice");
        Map<String, NDArray> pa = whole.parameters();
        Map<String, NDArray> pb = resumed.parameters();
        assertEquals(pa.keySet(), pb.keySet());
        for (String name : pa.keySet()) {
          assertArrayEquals(pa.get(name).toFloatArray(), pb.get(name).toFloatArray(), 0f, name);
        }
      }
    }
  }
}
