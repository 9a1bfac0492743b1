package dev.align4j.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.sft.Packing;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftLossType;
import dev.align4j.core.sft.SftResult;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Example 1: supervised fine-tuning through the Java API. A fresh built-in model learns the toy task from
 * demonstrations; the held-out loss before and after shows it.
 *
 * <p>Run: {@code mvn -q -pl examples -am package -DskipTests} then
 * {@code java -cp "examples/target/examples-0.1.0-SNAPSHOT.jar:$(cat examples/target/classpath.txt)"
 * dev.align4j.examples.E01_SupervisedFineTune /tmp/e01}
 */
public final class E01_SupervisedFineTune {
  private E01_SupervisedFineTune() {}

  /** Settings. */
  public record Args(Path workDir, long steps, int examples) {}

  /** The held-out loss before and after, and where the model went. */
  public record Result(double evalLossBefore, double evalLossAfter, Path model) {}

  public static Result run(Args a) throws Exception {
    Path base = ToyTask.newModel(a.workDir().resolve("base"), 1);
    TrainingArgs training = new TrainingArgs(3e-3, 1, a.steps(), 16, 1, 1, 0.1, ScheduleKind.COSINE, 0.0, 1.0, 64,
        10, 0, 0, 1, 0);
    SftResult r = new SftTrainer(new SftConfig(training, SftLossType.NLL, Packing.NONE)).train(base,
        ToyTask.demonstrations(a.examples(), 1), ToyTask.demonstrations(32, 2),
        RunFolder.open(a.workDir().resolve("sft"), RunFolder.Mode.OVERWRITE),
        new ObjectMapper().createObjectNode().put("example", "E01"), List.of());
    return new Result(r.initialEval().get("eval/loss"), r.metrics().get("eval/loss"), r.finalModel());
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e01");
    Result r = run(new Args(dir, 300, 400));
    System.out.printf("held-out loss %.3f -> %.3f; model in %s%n", r.evalLossBefore(), r.evalLossAfter(), r.model());
  }
}
