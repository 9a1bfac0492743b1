package dev.align4j.core.stages;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.grpo.ImportanceSampling;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import dev.align4j.core.eval.ReferenceKl;
import dev.align4j.core.model.Pretrained;
import dev.align4j.core.rl.BuiltinRewards;
import dev.align4j.core.rl.LogprobConsistency;
import dev.align4j.core.rl.LogprobMismatchException;
import dev.align4j.core.rl.OnlineRun;
import dev.align4j.core.rl.RewardSources;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.Rollouts;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.ScheduleKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PPO and GRPO raise a verifiable reward (the completion names a cat) from about 0.25 to at least 0.8, seeded. */
@Tag("integration")
class OnlineRlIntegrationTest {
  private static final ObjectNode CONFIG = new ObjectMapper().createObjectNode();

  static RlArgs rl(double lr, long steps, int prompts, double beta) {
    return new RlArgs(lr, steps, prompts, 1, 6, 1.0, 0, 1.0, beta, OptionalDouble.empty(), OptionalDouble.empty(),
        0.0, ScheduleKind.CONSTANT, 1.0, 5, 0, 1, 0);
  }

  private static RewardSources cat() {
    return RewardSources.of(null, List.of(BuiltinRewards.parse("contains:cat")), List.of());
  }

  @Test
  void ppoRaisesTheRewardWithinTheLeash(@TempDir Path dir) throws Exception {
    Path sft = AnimalNames.sftModel(dir);
    PpoConfig config = new PpoConfig(rl(5e-4, 30, 32, 0.05), 2, 2, 0.2, 0.2, 0.1, 1.0, 0.95, KlEstimator.K1,
        ScorePlacement.LAST_RESPONSE_TOKEN);
    PpoTrainer.Result r = new PpoTrainer(config).train(sft, sft, AnimalNames.prompts(), cat(),
        RunFolder.open(dir.resolve("ppo"), RunFolder.Mode.RESUME_OR_NEW), CONFIG, List.of());
    print("ppo", r.history());
    double first = r.history().get(0).get("reward/mean");
    double last = mean(r.history(), "reward/mean", 3);
    assertTrue(first < 0.5 && last >= 0.8, "reward " + first + " -> " + last);
  }

  @Test
  void grpoRaisesTheReward(@TempDir Path dir) throws Exception {
    Path sft = AnimalNames.sftModel(dir);
    GrpoConfig config = new GrpoConfig(rl(2e-3, 30, 4, 0.04), 8, new GrpoLossType.Grpo(), 0.2, 0.2,
        OptionalDouble.empty(), RewardScaling.GROUP, MultiRewardAggregation.SUM_THEN_NORMALIZE,
        ImportanceSampling.TOKEN, 1, 1);
    GrpoTrainer.Result r = new GrpoTrainer(config).train(sft, AnimalNames.prompts(), cat(),
        RunFolder.open(dir.resolve("grpo"), RunFolder.Mode.RESUME_OR_NEW), CONFIG, List.of());
    print("grpo", r.history());
    double first = r.history().get(0).get("reward/mean");
    double last = mean(r.history(), "reward/mean", 3);
    assertTrue(first < 0.5 && last >= 0.8, "reward " + first + " -> " + last);
  }

  /**
   * One generation split into two mini-batches takes two optimizer steps; the second is trained on moved weights, so
   * its importance ratio must be measured against the rollout-time log-probs. With a large first step the ratio of the
   * rewarded tokens leaves [1 − ε, 1 + ε] and the clip acts. Without old log-probs the ratio would be 1 and
   * {@code policy/clipfrac} exactly 0.
   */
  @Test
  void grpoMiniBatchesAfterTheFirstHaveAnImportanceRatio(@TempDir Path dir) throws Exception {
    Path sft = AnimalNames.sftModel(dir);
    GrpoConfig config = new GrpoConfig(rl(3e-2, 1, 4, 0.0), 8, new GrpoLossType.Grpo(), 0.2, 0.2,
        OptionalDouble.empty(), RewardScaling.GROUP, MultiRewardAggregation.SUM_THEN_NORMALIZE,
        ImportanceSampling.TOKEN, 1, 2);
    GrpoTrainer.Result r = new GrpoTrainer(config).train(sft, AnimalNames.prompts(), cat(),
        RunFolder.open(dir.resolve("grpo"), RunFolder.Mode.RESUME_OR_NEW), CONFIG, List.of());
    double clipped = r.metrics().get("policy/clipfrac");
    assertTrue(clipped > 0.05, "the second mini-batch is clipped after the first step: clipfrac " + clipped);
  }

  /** Mini-batches must split a batch evenly (TRL refuses otherwise); the message names both numbers. */
  @Test
  void aBatchThatMiniBatchesDoNotDivideIsRefused() {
    IllegalArgumentException ppo = assertThrows(IllegalArgumentException.class, () -> new PpoConfig(
        rl(1e-3, 1, 10, 0.05), 1, 6, 0.2, 0.2, 0.1, 1.0, 0.95, KlEstimator.K1, ScorePlacement.LAST_RESPONSE_TOKEN));
    assertTrue(ppo.getMessage().contains("num-mini-batches 6 for batch-size 10"), ppo.getMessage());
    IllegalArgumentException grpo = assertThrows(IllegalArgumentException.class, () -> new GrpoConfig(
        rl(1e-3, 1, 3, 0.0), 4, new GrpoLossType.Grpo(), 0.2, 0.2, OptionalDouble.empty(), RewardScaling.GROUP,
        MultiRewardAggregation.SUM_THEN_NORMALIZE, ImportanceSampling.TOKEN, 1, 5));
    assertTrue(grpo.getMessage().contains("batch-size 3 x num-generations 4 = 12")
        && grpo.getMessage().contains("got num-mini-batches 5"), grpo.getMessage());
  }

  /** A value model whose tokenizer differs from the policy's would read the policy's ids as other tokens. */
  @Test
  void ppoRefusesAValueModelWithAnotherTokenizer(@TempDir Path dir) throws Exception {
    Path sft = AnimalNames.sftModel(dir);
    Path otherTokenizer = AnimalWorld.tinyLlama();
    PpoConfig config = new PpoConfig(rl(1e-3, 1, 4, 0.05), 1, 1, 0.2, 0.2, 0.1, 1.0, 0.95, KlEstimator.K1,
        ScorePlacement.LAST_RESPONSE_TOKEN);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PpoTrainer(config).train(
        sft, otherTokenizer, AnimalNames.prompts(), cat(), RunFolder.open(dir.resolve("ppo"),
            RunFolder.Mode.RESUME_OR_NEW), CONFIG, List.of()));
    assertTrue(e.getMessage().contains("tokenizer does not match the policy's")
        && e.getMessage().contains("vocabularies differ") && e.getMessage().contains("--value-model"),
        e.getMessage());
  }

  /**
   * The leash works in the right direction: with a large β the policy stays next to the reference (exact KL near 0)
   * and the reward barely moves; with β = 0 the same run drifts much further.
   */
  @Test
  void theKlLeashHoldsThePolicyNearTheReference(@TempDir Path dir) throws Exception {
    Path sft = AnimalNames.sftModel(dir);
    // measured at lr 2e-4 (seed 1): beta 0 -> exact KL 2.90, reward +0.57; beta 2 -> KL 0.070, reward +0.08.
    // At lr 5e-4 even beta 5 drifts (KL 1.2): whitened advantages make PPO's step size the learning rate's.
    double[] betas = {0.0, 2.0};
    double[] lrs = {2e-4, 2e-4};
    double[] kl = new double[betas.length];
    double[] gain = new double[betas.length];
    for (int i = 0; i < betas.length; i++) {
      PpoConfig config = new PpoConfig(rl(lrs[i], 12, 32, betas[i]), 2, 2, 0.2, 0.2, 0.1, 1.0, 0.95, KlEstimator.K1,
          ScorePlacement.LAST_RESPONSE_TOKEN);
      PpoTrainer.Result r = new PpoTrainer(config).train(sft, sft, AnimalNames.prompts(), cat(),
          RunFolder.open(dir.resolve("ppo-beta-" + i), RunFolder.Mode.RESUME_OR_NEW), CONFIG, List.of());
      gain[i] = mean(r.history(), "reward/mean", 3) - r.history().get(0).get("reward/mean");
      try (Pretrained policy = Pretrained.load(r.finalPolicy()); Pretrained reference = Pretrained.load(sft)) {
        int[] prompt = policy.tokenizer().encode(AnimalNames.PROMPT, true);
        kl[i] = ReferenceKl.mean(policy.lm(), reference.lm(), java.util.Collections.nCopies(64, prompt),
            SamplingParams.sample(1.0, 6), 11, KernelProviders.best());
      }
    }
    for (int i = 0; i < betas.length; i++) {
      System.out.printf("leash: lr %s beta %s -> KL %.4f gain %.3f%n", lrs[i], betas[i], kl[i], gain[i]);
    }
    assertTrue(kl[1] < 0.15, "large beta keeps the exact KL near 0: " + kl[1]);
    assertTrue(Math.abs(gain[1]) < 0.25, "large beta: the reward barely moves: " + gain[1]);
    assertTrue(kl[0] > 5 * kl[1] && kl[0] > 0.2, "beta 0 drifts further: " + kl[0] + " vs " + kl[1]);
  }

  /** A deliberately broken rollout (recorded log-probs off by 0.05 at one token) is caught before any update. */
  @Test
  void aSamplingScoringMismatchIsAnError(@TempDir Path dir) throws Exception {
    Path sft = AnimalNames.sftModel(dir);
    try (Pretrained p = Pretrained.load(sft)) {
      int[] prompt = p.tokenizer().encode(AnimalNames.PROMPT, true);
      var completions = p.lm().generate(java.util.Collections.nCopies(8, prompt), SamplingParams.sample(1.0, 6), 3);
      Rollouts ok = Rollouts.of(completions, java.util.Collections.nCopies(8, AnimalNames.PROMPT),
          java.util.Collections.nCopies(8, Map.of()), ids -> p.tokenizer().decode(ids, true));
      assertTrue(LogprobConsistency.check(ok, p.lm(), 1.0, LogprobConsistency.DEFAULT_TOLERANCE) < 1e-4);
      float[] broken = ok.samplingLogprobs().clone();
      broken[ok.responseWidth() + 1] += 0.05f;
      Rollouts bad = new Rollouts(ok.prompts(), ok.responses(), broken, ok.mask(), ok.responseWidth(), ok.texts(),
          ok.samples(), ok.containsEos());
      LogprobMismatchException e = assertThrows(LogprobMismatchException.class,
          () -> LogprobConsistency.check(bad, p.lm(), 1.0, LogprobConsistency.DEFAULT_TOLERANCE));
      assertTrue(e.getMessage().contains("row 1, response token 1"), e.getMessage());
      assertTrue(e.getMessage().contains("differ from the training forward pass by up to 0.0"), e.getMessage());
      LogprobMismatchException t = assertThrows(LogprobMismatchException.class,
          () -> LogprobConsistency.check(ok, p.lm(), 0.7, LogprobConsistency.DEFAULT_TOLERANCE),
          "scoring at another temperature than sampling is caught");
      assertTrue(t.getMessage().contains("sampling temperature"), t.getMessage());

      // Trainers hand every iteration's training forward pass to OnlineRun: a mismatch in a later batch is caught
      // and named by its iteration, not only in the first.
      float[] training = ok.samplingLogprobs().clone();
      try (OnlineRun online = new OnlineRun("grpo", rl(1e-3, 3, 1, 0.0), RunFolder.open(dir.resolve("run"),
          RunFolder.Mode.RESUME_OR_NEW), CONFIG, List.of())) {
        online.checkLogprobs(ok, training, 1);
        training[ok.responseWidth() + 1] += 0.05f;
        LogprobMismatchException later = assertThrows(LogprobMismatchException.class,
            () -> online.checkLogprobs(ok, training, 2));
        assertTrue(later.getMessage().startsWith("grpo iteration 2: "), later.getMessage());
      }
    }
  }

  static double mean(List<Map<String, Double>> h, String key, int lastN) {
    double s = 0;
    for (int i = h.size() - lastN; i < h.size(); i++) {
      s += h.get(i).get(key);
    }
    return s / lastN;
  }

  static void print(String what, List<Map<String, Double>> h) {
    for (int i = 0; i < h.size(); i++) {
      System.out.printf("%s %d reward %.3f kl %.4f%n", what, i + 1, h.get(i).get("reward/mean"),
          h.get(i).getOrDefault("kl/reference", Double.NaN));
    }
  }
}
