package dev.align4j.core.stages;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Text;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.eval.ReferenceKl;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import dev.align4j.core.rl.BuiltinRewards;
import dev.align4j.core.rl.LogprobMismatchException;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.internal.LogprobConsistency;
import dev.align4j.core.rl.internal.OnlineRun;
import dev.align4j.core.rl.internal.Rollouts;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainerSettings;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.core.train.internal.RunContext;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PPO and GRPO raise a verifiable reward (the completion names a cat) from about 0.25 to at least 0.8, seeded. */
@Tag("integration")
class OnlineRlIntegrationTest {

  /** The RL settings of these tests: seed 1, 6 new tokens at temperature 1, constant learning rate, log every 5. */
  static <B extends RlArgs.AbstractBuilder<B>> B rl(B b, double lr, long steps, int prompts, double beta) {
    return b.learningRate(lr).maxSteps(steps).batchSize(prompts).seed(1).maxNewTokens(6).temperature(1.0).topK(0)
        .topP(1.0).beta(beta).warmupRatio(0).schedule(ScheduleKind.CONSTANT).maxGradNorm(1.0).logEvery(5)
        .saveEvery(0).keepCheckpoints(1).threads(0);
  }

  private static PpoConfig.Builder ppo(double lr, long steps, int prompts, double beta) {
    return rl(PpoConfig.builder(), lr, steps, prompts, beta).ppoEpochs(2).numMiniBatches(2);
  }

  private static GrpoConfig.Builder grpo(double lr, long steps, int prompts, double beta) {
    return rl(GrpoConfig.builder(), lr, steps, prompts, beta).numGenerations(8).lossType(new GrpoLossType.Grpo())
        .scaleRewards(RewardScaling.GROUP);
  }

  private static final dev.align4j.api.RewardFunction CAT = BuiltinRewards.parse("contains:cat");

  @Test
  void ppoRaisesTheRewardWithinTheLeash(@TempDir Path dir) throws Exception {
    try (AlignModel sft = AnimalNames.sftModel();
        PpoTrainer.Result<AlignModel> r = PpoTrainer.of(ppo(5e-4, 30, 32, 0.05).build()).rewardFunction(CAT)
            .runFolder(dir.resolve("ppo")).train(sft, AnimalNames.prompts())) {
      List<StepMetrics> h = r.policy().history();
      print("ppo", h);
      double first = h.get(0).values().get("reward/mean");
      double last = mean(h, "reward/mean", 3);
      assertTrue(first < 0.5 && last >= 0.8, "reward " + first + " -> " + last);
    }
  }

  @Test
  void grpoRaisesTheReward(@TempDir Path dir) throws Exception {
    try (AlignModel sft = AnimalNames.sftModel();
        TrainingResult<AlignModel> r = GrpoTrainer.of(grpo(2e-3, 30, 4, 0.04).build()).rewardFunction(CAT)
            .runFolder(dir.resolve("grpo")).train(sft, AnimalNames.prompts())) {
      print("grpo", r.history());
      double first = r.history().get(0).values().get("reward/mean");
      double last = mean(r.history(), "reward/mean", 3);
      assertTrue(first < 0.5 && last >= 0.8, "reward " + first + " -> " + last);
    }
  }

  /**
   * A run killed after its final checkpoint (found by the kill-anywhere campaign: {@code align grpo} then exited 2
   * with "no metric reward/mean in the result") reruns no iteration and reports the metrics its last one logged.
   */
  @Test
  void aRunResumedFromItsFinalCheckpointReportsItsLastMetrics(@TempDir Path dir) throws Exception {
    try (AlignModel sft = AnimalNames.sftModel()) {
      GrpoTrainer grpo = GrpoTrainer.of(grpo(2e-3, 3, 4, 0.0).saveEvery(1).build()).rewardFunction(CAT)
          .runFolder(dir.resolve("grpo"));
      double reward;
      try (TrainingResult<AlignModel> whole = grpo.train(sft, AnimalNames.prompts())) {
        reward = whole.metric("reward/mean");
      }
      try (TrainingResult<AlignModel> again = grpo.train(sft, AnimalNames.prompts())) {
        assertEquals(reward, again.metric("reward/mean"), 1e-12, "the last iteration's reward, from metrics.jsonl");
      }
      PpoTrainer ppo = PpoTrainer.of(ppo(5e-4, 2, 8, 0.05).saveEvery(1).build()).rewardFunction(CAT)
          .runFolder(dir.resolve("ppo"));
      double ppoReward;
      try (PpoTrainer.Result<AlignModel> whole = ppo.train(sft, AnimalNames.prompts())) {
        ppoReward = whole.policy().metric("reward/mean");
      }
      try (PpoTrainer.Result<AlignModel> again = ppo.train(sft, AnimalNames.prompts())) {
        assertEquals(ppoReward, again.policy().metric("reward/mean"), 1e-12);
      }
    }
  }

  /**
   * One generation split into two mini-batches takes two optimizer steps; the second is trained on moved weights, so
   * its importance ratio must be measured against the rollout-time log-probs. With a large first step the ratio of the
   * rewarded tokens leaves [1 − ε, 1 + ε] and the clip acts. Without old log-probs the ratio would be 1 and
   * {@code policy/clipfrac} exactly 0.
   */
  @Test
  void grpoMiniBatchesAfterTheFirstHaveAnImportanceRatio() throws Exception {
    try (AlignModel sft = AnimalNames.sftModel();
        TrainingResult<AlignModel> r = GrpoTrainer.of(grpo(3e-2, 1, 4, 0.0).numMiniBatches(2).build())
            .rewardFunction(CAT).train(sft, AnimalNames.prompts())) {
      double clipped = r.metric("policy/clipfrac");
      assertTrue(clipped > 0.05, "the second mini-batch is clipped after the first step: clipfrac " + clipped);
    }
  }

  /** Mini-batches must split a batch evenly (TRL refuses otherwise); the message names both numbers. */
  @Test
  void aBatchThatMiniBatchesDoNotDivideIsRefused() {
    IllegalArgumentException ppo = assertThrows(IllegalArgumentException.class,
        () -> ppo(1e-3, 1, 10, 0.05).ppoEpochs(1).numMiniBatches(6).build());
    assertTrue(ppo.getMessage().contains("num-mini-batches 6 for batch-size 10"), ppo.getMessage());
    IllegalArgumentException grpo = assertThrows(IllegalArgumentException.class,
        () -> grpo(1e-3, 1, 3, 0.0).numGenerations(4).numMiniBatches(5).build());
    assertTrue(grpo.getMessage().contains("batch-size 3 x num-generations 4 = 12")
        && grpo.getMessage().contains("got num-mini-batches 5"), grpo.getMessage());
  }

  /** A value model whose tokenizer differs from the policy's would read the policy's ids as other tokens. */
  @Test
  void ppoRefusesAValueModelWithAnotherTokenizer() throws Exception {
    try (AlignModel sft = AnimalNames.sftModel();
        AlignRewardModel otherTokenizer = AlignRewardModel.load(AnimalWorld.tinyLlama())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PpoTrainer.of(
          ppo(1e-3, 1, 4, 0.05).ppoEpochs(1).numMiniBatches(1).build()).rewardFunction(CAT)
          .valueModel(otherTokenizer).train(sft, AnimalNames.prompts()));
      assertTrue(e.getMessage().contains("tokenizer does not match the policy's")
          && e.getMessage().contains("vocabularies differ") && e.getMessage().contains("--value-model"),
          e.getMessage());
    }
  }

  /**
   * The leash works in the right direction: with a large β the policy stays next to the reference (exact KL near 0)
   * and the reward barely moves; with β = 0 the same run drifts much further.
   */
  @Test
  void theKlLeashHoldsThePolicyNearTheReference() throws Exception {
    try (AlignModel sft = AnimalNames.sftModel()) {
      // measured at lr 2e-4 (seed 1): beta 0 -> exact KL 2.90, reward +0.57; beta 2 -> KL 0.070, reward +0.08.
      // At lr 5e-4 even beta 5 drifts (KL 1.2): whitened advantages make PPO's step size the learning rate's.
      double[] betas = {0.0, 2.0};
      double[] lrs = {2e-4, 2e-4};
      double[] kl = new double[betas.length];
      double[] gain = new double[betas.length];
      for (int i = 0; i < betas.length; i++) {
        try (PpoTrainer.Result<AlignModel> r = PpoTrainer.of(ppo(lrs[i], 12, 32, betas[i]).build())
            .rewardFunction(CAT).train(sft, AnimalNames.prompts())) {
          List<StepMetrics> h = r.policy().history();
          gain[i] = mean(h, "reward/mean", 3) - h.get(0).values().get("reward/mean");
          int[] prompt = sft.tokenizer().prompt(Text.plain(AnimalNames.PROMPT));
          kl[i] = ReferenceKl.mean(r.model(), sft, Collections.nCopies(64, prompt), SamplingParams.sample(1.0, 6), 11,
              KernelProviders.best());
        }
      }
      for (int i = 0; i < betas.length; i++) {
        System.out.printf("leash: lr %s beta %s -> KL %.4f gain %.3f%n", lrs[i], betas[i], kl[i], gain[i]);
      }
      assertTrue(kl[1] < 0.15, "large beta keeps the exact KL near 0: " + kl[1]);
      assertTrue(Math.abs(gain[1]) < 0.25, "large beta: the reward barely moves: " + gain[1]);
      assertTrue(kl[0] > 5 * kl[1] && kl[0] > 0.2, "beta 0 drifts further: " + kl[0] + " vs " + kl[1]);
    }
  }

  /** A deliberately broken rollout (recorded log-probs off by 0.05 at one token) is caught before any update. */
  @Test
  void aSamplingScoringMismatchIsAnError() throws Exception {
    try (AlignModel p = AnimalNames.sftModel()) {
      int[] prompt = p.tokenizer().prompt(Text.plain(AnimalNames.PROMPT));
      var completions = p.generate(Collections.nCopies(8, prompt), SamplingParams.sample(1.0, 6), 3);
      Rollouts ok = Rollouts.of(completions, Collections.nCopies(8, AnimalNames.PROMPT),
          Collections.nCopies(8, Map.of()), ids -> p.tokenizer().decode(ids));
      assertTrue(LogprobConsistency.check(ok, p, 1.0, LogprobConsistency.DEFAULT_TOLERANCE) < 1e-4);
      float[] broken = ok.samplingLogprobs().clone();
      broken[ok.responseWidth() + 1] += 0.05f;
      Rollouts bad = new Rollouts(ok.prompts(), ok.responses(), broken, ok.mask(), ok.responseWidth(), ok.texts(),
          ok.samples(), ok.containsEos());
      LogprobMismatchException e = assertThrows(LogprobMismatchException.class,
          () -> LogprobConsistency.check(bad, p, 1.0, LogprobConsistency.DEFAULT_TOLERANCE));
      assertTrue(e.getMessage().contains("row 1, response token 1"), e.getMessage());
      assertTrue(e.getMessage().contains("differ from the training forward pass by up to 0.0"), e.getMessage());
      LogprobMismatchException t = assertThrows(LogprobMismatchException.class,
          () -> LogprobConsistency.check(ok, p, 0.7, LogprobConsistency.DEFAULT_TOLERANCE),
          "scoring at another temperature than sampling is caught");
      assertTrue(t.getMessage().contains("sampling temperature"), t.getMessage());

      // Trainers hand every iteration's training forward pass to OnlineRun: a mismatch in a later batch is caught
      // and named by its iteration, not only in the first.
      float[] training = ok.samplingLogprobs().clone();
      RlArgs args = rl(GrpoConfig.builder(), 1e-3, 3, 1, 0.0).build().rl();
      try (RunContext run = RunContext.open("grpo", Map.of(), TrainerSettings.defaults(), 0)) {
        OnlineRun online = new OnlineRun("grpo", args, run);
        online.checkLogprobs(ok, training, 1);
        training[ok.responseWidth() + 1] += 0.05f;
        LogprobMismatchException later = assertThrows(LogprobMismatchException.class,
            () -> online.checkLogprobs(ok, training, 2));
        assertTrue(later.getMessage().startsWith("grpo iteration 2: "), later.getMessage());
      }
    }
  }

  static double mean(List<StepMetrics> h, String key, int lastN) {
    double s = 0;
    for (int i = h.size() - lastN; i < h.size(); i++) {
      s += h.get(i).values().get(key);
    }
    return s / lastN;
  }

  static void print(String what, List<StepMetrics> h) {
    for (int i = 0; i < h.size(); i++) {
      System.out.printf("%s %d reward %.3f kl %.4f%n", what, i + 1, h.get(i).values().get("reward/mean"),
          h.get(i).values().getOrDefault("kl/reference", Double.NaN));
    }
  }
}
