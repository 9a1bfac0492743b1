package dev.align4j.examples;

import dev.align4j.core.AlignModel;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Example 1: supervised fine-tuning through the Java API. A fresh built-in model learns the toy task from
 * demonstrations; the held-out loss (on prompts never trained on) before and after shows it.
 *
 * <p>Run: {@code mvn -q -pl examples -am package -DskipTests} then
 * {@code java -cp "examples/target/examples-0.1.0-SNAPSHOT.jar:$(cat examples/target/classpath.txt)"
 * dev.align4j.examples.E01_SupervisedFineTune /tmp/e01}
 */
public final class E01_SupervisedFineTune {
  private E01_SupervisedFineTune() {}

  /** Settings. */
  public record Args(Path workDir, long steps, int examples) {}

  /** The held-out loss before and after, and the trained model (the caller closes it). */
  public record Result(double evalLossBefore, double evalLossAfter, AlignModel model) implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  public static Result run(Args a) throws Exception {
    SftConfig config = SftConfig.builder().learningRate(3e-3).maxSteps(a.steps()).batchSize(16).seed(1)
        .warmupRatio(0.1).schedule(ScheduleKind.COSINE).maxLength(64).saveEvery(0).build();
    try (AlignModel base = ToyTask.newModel(1)) {
      TrainingResult<AlignModel> r = SftTrainer.of(config).runFolder(a.workDir().resolve("sft"), RunMode.OVERWRITE)
          .train(base, ToyTask.demonstrations(a.examples(), 1, ToyTask.Split.TRAIN),
              ToyTask.demonstrations(32, 2, ToyTask.Split.HELD_OUT));
      return new Result(r.initialEval().get("eval/loss"), r.metric("eval/loss"), r.model());
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e01");
    try (Result r = run(new Args(dir, 300, 400))) {
      System.out.printf("held-out loss %.3f -> %.3f; model in %s%n", r.evalLossBefore(), r.evalLossAfter(),
          dir.resolve("sft/final"));
    }
  }
}
