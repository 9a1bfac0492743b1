package dev.align4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoLossType;
import dev.align4j.core.dpo.DpoTrainer;
import dev.align4j.core.dpo.FDivergence;
import dev.align4j.core.dpo.WeightedDpoLoss;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Example 3: DPO from the SFT model of example 1, no reward model; implicit-reward accuracy and KL to the reference. */
public final class E03_DirectPreferenceOptimization {
  private E03_DirectPreferenceOptimization() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long steps) {}

  /** Held-out implicit-reward accuracy and the KL the policy moved from its reference. */
  public record Result(double rewardAccuracy, double klToReference, Path model) {}

  public static Result run(Args a) throws Exception {
    Path sft = E01_SupervisedFineTune.run(new E01_SupervisedFineTune.Args(a.workDir(), a.sftSteps(), 400)).model();
    TrainingArgs training = new TrainingArgs(5e-4, 1, a.steps(), 16, 1, 1, 0.1, ScheduleKind.LINEAR, 0.0, 1.0, 64,
        10, 0, 0, 1, 0);
    DpoTrainer.Result r = new DpoTrainer(new DpoConfig(training, 0.1,
        List.of(new WeightedDpoLoss(new DpoLossType.Sigmoid(), 1.0)), new FDivergence.ReverseKl(), 32))
        .train(sft, ToyTask.preferences(300, 3), ToyTask.preferences(60, 4),
            RunFolder.open(a.workDir().resolve("dpo"), RunFolder.Mode.OVERWRITE),
            new ObjectMapper().createObjectNode().put("example", "E03"), List.of());
    return new Result(r.metrics().get("eval/rewards/accuracies"), r.metrics().get("eval/kl/reference"),
        r.finalModel());
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e03");
    Result r = run(new Args(dir, 300, 100));
    System.out.printf("held-out reward accuracy %.3f, KL to the reference %.3f; model in %s%n", r.rewardAccuracy(),
        r.klToReference(), r.model());
  }
}
