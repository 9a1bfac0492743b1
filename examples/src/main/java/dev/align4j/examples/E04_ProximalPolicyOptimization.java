package dev.align4j.examples;

import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.ScheduleKind;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Example 4: PPO against the reward model of example 2, with a value model initialised from it and a KL leash to the
 * SFT policy.
 */
public final class E04_ProximalPolicyOptimization {
  private E04_ProximalPolicyOptimization() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long rmSteps, long iterations) {}

  /**
   * Proxy reward at the start and at the end (each the mean of {@link ToyTask#WINDOW} iterations' rewards, so one
   * noisy batch does not decide), the KL the leash allowed, and the policy (the caller closes it).
   */
  public record Result(double rewardFirst, double rewardLast, double kl, AlignModel policy) implements AutoCloseable {
    @Override
    public void close() {
      policy.close();
    }
  }

  public static Result run(Args a) throws Exception {
    try (E01_SupervisedFineTune.Result sft = E01_SupervisedFineTune.run(
        new E01_SupervisedFineTune.Args(a.workDir(), a.sftSteps(), 400));
        E02_RewardModel.Result rm = E02_RewardModel.train(sft.model(), a.workDir(), a.rmSteps())) {
      return train(sft.model(), rm.model(), a.workDir(), a.iterations());
    }
  }

  /** Trains with PPO from an SFT model (also the reference) against a reward model (also the value model's start). */
  public static Result train(AlignModel sft, AlignRewardModel rm, Path workDir, long iterations) throws Exception {
    PpoConfig config = PpoConfig.builder().learningRate(2e-4).maxSteps(iterations).batchSize(16).seed(1)
        .maxNewTokens(36).temperature(1.0).beta(0.05).schedule(ScheduleKind.CONSTANT).logEvery(5).saveEvery(0)
        .ppoEpochs(2).numMiniBatches(2).build();
    PpoTrainer.Result<AlignModel> r = PpoTrainer.of(config).rewardModel(rm)
        .runFolder(workDir.resolve("ppo"), RunMode.OVERWRITE).train(sft, ToyTask.prompts());
    r.valueModel().close();   // saved in OUT/final-value; this example keeps only the policy
    return new Result(ToyTask.firstWindow(r.policy().history(), "reward/mean"),
        ToyTask.lastWindow(r.policy().history(), "reward/mean"), r.metrics().get("kl/reference"), r.model());
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e04");
    try (Result r = run(new Args(dir, 300, 150, 40))) {
      System.out.printf("reward %.3f -> %.3f, KL %.3f; policy in %s%n", r.rewardFirst(), r.rewardLast(), r.kl(),
          dir.resolve("ppo/final"));
    }
  }
}
