package dev.align4j.examples;

import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.core.AlignModel;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.rl.BuiltinRewards;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;

/** Example 5: GRPO with a verifiable reward (exact match against each prompt's answer), no reward model. */
public final class E05_GroupRelativePolicyOptimization {
  private E05_GroupRelativePolicyOptimization() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long iterations) {}

  /**
   * Exact-match reward at the start and at the end (each the mean of {@link ToyTask#WINDOW} iterations), and the
   * policy (the caller closes it).
   */
  public record Result(double rewardFirst, double rewardLast, AlignModel policy) implements AutoCloseable {
    @Override
    public void close() {
      policy.close();
    }
  }

  public static Result run(Args a) throws Exception {
    try (E01_SupervisedFineTune.Result sft = E01_SupervisedFineTune.run(
        new E01_SupervisedFineTune.Args(a.workDir(), a.sftSteps(), 400))) {
      return train(sft.model(), a.workDir(), a.iterations());
    }
  }

  /** Trains with GRPO from an SFT model (also the reference). */
  public static Result train(AlignModel sft, Path workDir, long iterations) throws Exception {
    GrpoConfig config = GrpoConfig.builder().learningRate(2e-4).maxSteps(iterations).batchSize(8).seed(1)
        .maxNewTokens(36).beta(0.04).schedule(ScheduleKind.CONSTANT).logEvery(5).saveEvery(0).numGenerations(8)
        .lossType(new GrpoLossType.DrGrpo(36)).scaleRewards(RewardScaling.NONE).build();
    TrainingResult<AlignModel> r = GrpoTrainer.of(config).rewardFunction(BuiltinRewards.parse("exact"))
        .runFolder(workDir.resolve("grpo"), RunMode.OVERWRITE).train(sft, ToyTask.prompts());
    return new Result(ToyTask.firstWindow(r.history(), "reward/mean"), ToyTask.lastWindow(r.history(), "reward/mean"),
        r.model());
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e05");
    try (Result r = run(new Args(dir, 300, 40))) {
      System.out.printf("exact-match reward %.3f -> %.3f; policy in %s%n", r.rewardFirst(), r.rewardLast(),
          dir.resolve("grpo/final"));
    }
  }
}
