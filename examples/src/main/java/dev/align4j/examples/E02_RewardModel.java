package dev.align4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.reward.MarginMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Example 2: a Bradley–Terry reward model initialised from the SFT model of example 1, with its evaluation (held-out
 * accuracy, length bias, formatting sensitivity).
 */
public final class E02_RewardModel {
  private E02_RewardModel() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long steps) {}

  /** The reward model's evaluation and folder. */
  public record Result(RewardEvaluation evaluation, Path model) {}

  public static Result run(Args a) throws Exception {
    Path sft = E01_SupervisedFineTune.run(new E01_SupervisedFineTune.Args(a.workDir(), a.sftSteps(), 400)).model();
    TrainingArgs training = new TrainingArgs(1e-3, 1, a.steps(), 16, 1, 1, 0.1, ScheduleKind.LINEAR, 0.0, 1.0, 64,
        10, 0, 0, 1, 0);
    RewardTrainer.Result r = new RewardTrainer(new RewardConfig(training, MarginMode.NONE, OptionalDouble.empty()))
        .train(sft, ToyTask.preferences(300, 3), ToyTask.preferences(60, 4),
            RunFolder.open(a.workDir().resolve("rm"), RunFolder.Mode.OVERWRITE),
            new ObjectMapper().createObjectNode().put("example", "E02"), List.of());
    return new Result(r.evaluation(), r.finalModel());
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e02");
    Result r = run(new Args(dir, 300, 150));
    System.out.printf("held-out accuracy %.3f, length correlation %.3f, formatting sensitivity %.3f; model in %s%n",
        r.evaluation().accuracy(), r.evaluation().lengthCorrelation(), r.evaluation().formattingSensitivity(),
        r.model());
  }
}
