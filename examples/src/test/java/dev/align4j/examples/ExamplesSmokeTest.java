package dev.align4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example runs end to end with tiny settings and its numbers move the right way. */
@Tag("integration")
class ExamplesSmokeTest {

  @Test
  void supervisedFineTuneLowersTheHeldOutLoss(@TempDir Path dir) throws Exception {
    E01_SupervisedFineTune.Result r = E01_SupervisedFineTune.run(new E01_SupervisedFineTune.Args(dir, 40, 64));
    assertTrue(r.evalLossAfter() < r.evalLossBefore(), r.evalLossBefore() + " -> " + r.evalLossAfter());
    assertTrue(Files.isRegularFile(r.model().resolve("model.safetensors")));
  }

  @Test
  void rewardModelReportsItsEvaluation(@TempDir Path dir) throws Exception {
    E02_RewardModel.Result r = E02_RewardModel.run(new E02_RewardModel.Args(dir, 20, 20));
    assertTrue(r.evaluation().accuracy() >= 0 && r.evaluation().accuracy() <= 1, "accuracy in [0, 1]");
    assertTrue(Double.isFinite(r.evaluation().lengthCorrelation()));
    assertTrue(Files.readString(r.model().resolve("config.json")).contains("GPT2ForSequenceClassification"));
  }

  @Test
  void dpoMovesThePolicyFromItsReference(@TempDir Path dir) throws Exception {
    E03_DirectPreferenceOptimization.Result r = E03_DirectPreferenceOptimization.run(
        new E03_DirectPreferenceOptimization.Args(dir, 20, 20));
    assertTrue(r.klToReference() > 0, "KL " + r.klToReference());
  }

  @Test
  void ppoRunsAgainstTheRewardModel(@TempDir Path dir) throws Exception {
    E04_ProximalPolicyOptimization.Result r = E04_ProximalPolicyOptimization.run(
        new E04_ProximalPolicyOptimization.Args(dir, 20, 20, 3));
    assertTrue(Double.isFinite(r.rewardLast()) && Double.isFinite(r.kl()));
    assertTrue(Files.isRegularFile(r.policy().resolve("model.safetensors")));
  }

  @Test
  void grpoRunsWithAVerifiableReward(@TempDir Path dir) throws Exception {
    E05_GroupRelativePolicyOptimization.Result r = E05_GroupRelativePolicyOptimization.run(
        new E05_GroupRelativePolicyOptimization.Args(dir, 20, 3));
    assertTrue(r.rewardLast() >= 0 && r.rewardLast() <= 1, "exact match is 0 or 1 per completion");
  }
}
