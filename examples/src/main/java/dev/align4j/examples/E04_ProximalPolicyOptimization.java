package dev.align4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import dev.align4j.core.rl.RewardSources;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.TransformerRewardModel;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.ScheduleKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Example 4: PPO against the reward model of example 2, with a value model initialised from it and a KL leash to the
 * SFT policy.
 */
public final class E04_ProximalPolicyOptimization {
  private E04_ProximalPolicyOptimization() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long rmSteps, long iterations) {}

  /** Proxy reward before and after, the KL the leash allowed, and the policy's folder. */
  public record Result(double rewardFirst, double rewardLast, double kl, Path policy) {}

  public static Result run(Args a) throws Exception {
    E02_RewardModel.Result rm = E02_RewardModel.run(new E02_RewardModel.Args(a.workDir(), a.sftSteps(), a.rmSteps()));
    Path sft = a.workDir().resolve("sft/final");
    RlArgs rl = new RlArgs(1e-4, a.iterations(), 16, 1, 36, 1.0, 0, 1.0, 0.05, OptionalDouble.empty(),
        OptionalDouble.empty(), 0.0, ScheduleKind.CONSTANT, 1.0, 5, 0, 1, 0);
    PpoConfig config = new PpoConfig(rl, 2, 2, 0.2, 0.2, 0.1, 1.0, 0.95, KlEstimator.K1,
        ScorePlacement.LAST_RESPONSE_TOKEN);
    try (TransformerRewardModel reward = TransformerRewardModel.load(rm.model())) {
      PpoTrainer.Result r = new PpoTrainer(config).train(sft, rm.model(), ToyTask.prompts(),
          RewardSources.of(reward, List.of(), List.of()),
          RunFolder.open(a.workDir().resolve("ppo"), RunFolder.Mode.OVERWRITE),
          new ObjectMapper().createObjectNode().put("example", "E04"), List.of());
      return new Result(r.history().get(0).get("reward/mean"), r.metrics().get("reward/mean"),
          r.metrics().get("kl/reference"), r.finalPolicy());
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e04");
    Result r = run(new Args(dir, 300, 150, 40));
    System.out.printf("reward %.3f -> %.3f, KL %.3f; policy in %s%n", r.rewardFirst(), r.rewardLast(), r.kl(),
        r.policy());
  }
}
