package dev.align4j.examples;

import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Example 2: a Bradley–Terry reward model initialised from the SFT model of example 1, with its evaluation (held-out
 * accuracy, length bias, formatting sensitivity).
 */
public final class E02_RewardModel {
  private E02_RewardModel() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long steps) {}

  /** The reward model's evaluation and the model (the caller closes it). */
  public record Result(RewardEvaluation evaluation, AlignRewardModel model) implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  public static Result run(Args a) throws Exception {
    try (E01_SupervisedFineTune.Result sft = E01_SupervisedFineTune.run(
        new E01_SupervisedFineTune.Args(a.workDir(), a.sftSteps(), 400))) {
      return train(sft.model(), a.workDir(), a.steps());
    }
  }

  /** Trains the reward model from an SFT model. */
  public static Result train(AlignModel sft, Path workDir, long steps) throws Exception {
    RewardConfig config = RewardConfig.builder().learningRate(1e-3).maxSteps(steps).batchSize(16).seed(1)
        .warmupRatio(0.1).maxLength(64).saveEvery(0).build();
    TrainingResult<AlignRewardModel> r = RewardTrainer.of(config).runFolder(workDir.resolve("rm"), RunMode.OVERWRITE)
        .train(sft, ToyTask.preferences(300, 3, ToyTask.Split.TRAIN),
            ToyTask.preferences(60, 4, ToyTask.Split.HELD_OUT));
    return new Result(RewardEvaluation.from(r.metrics()), r.model());
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e02");
    try (Result r = run(new Args(dir, 300, 150))) {
      System.out.printf("held-out accuracy %.3f, length correlation %.3f, formatting sensitivity %.3f; model in %s%n",
          r.evaluation().accuracy(), r.evaluation().lengthCorrelation(), r.evaluation().formattingSensitivity(),
          dir.resolve("rm/final"));
    }
  }
}
