package dev.align4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.grpo.ImportanceSampling;
import dev.align4j.core.rl.BuiltinRewards;
import dev.align4j.core.rl.RewardSources;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.ScheduleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/** Example 5: GRPO with a verifiable reward (exact match against each prompt's answer), no reward model. */
public final class E05_GroupRelativePolicyOptimization {
  private E05_GroupRelativePolicyOptimization() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long iterations) {}

  /** Exact-match reward before and after, and the policy's folder. */
  public record Result(double rewardFirst, double rewardLast, Path policy) {}

  public static Result run(Args a) throws Exception {
    Path sft = E01_SupervisedFineTune.run(new E01_SupervisedFineTune.Args(a.workDir(), a.sftSteps(), 400)).model();
    RlArgs rl = new RlArgs(2e-4, a.iterations(), 8, 1, 36, 1.0, 0, 1.0, 0.04, OptionalDouble.empty(),
        OptionalDouble.empty(), 0.0, ScheduleKind.CONSTANT, 1.0, 5, 0, 1, 0);
    GrpoConfig config = new GrpoConfig(rl, 8, new GrpoLossType.DrGrpo(36), 0.2, 0.2, OptionalDouble.empty(),
        RewardScaling.NONE, MultiRewardAggregation.SUM_THEN_NORMALIZE, ImportanceSampling.TOKEN, 1, 1);
    GrpoTrainer.Result r = new GrpoTrainer(config).train(sft, ToyTask.prompts(),
        RewardSources.of(null, List.of(BuiltinRewards.parse("exact")), List.of()),
        RunFolder.open(a.workDir().resolve("grpo"), RunFolder.Mode.OVERWRITE),
        new ObjectMapper().createObjectNode().put("example", "E05"), List.of());
    return new Result(r.history().get(0).get("reward/mean"), r.metrics().get("reward/mean"), r.finalPolicy());
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e05");
    Result r = run(new Args(dir, 300, 40));
    System.out.printf("exact-match reward %.3f -> %.3f; policy in %s%n", r.rewardFirst(), r.rewardLast(), r.policy());
  }
}
