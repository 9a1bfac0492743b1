package dev.align4j.core.train.internal;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.run.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The loop every offline stage shares: fetch the step's micro-batches → {@link GradientStep} → log → evaluate →
 * checkpoint → stop if cancelled, resuming after the newest checkpoint of the run folder.
 */
public final class TrainingLoop {

  /**
   * When things happen, in optimizer steps.
   *
   * @param stage the stage name in metrics ({@code sft}, {@code rm}, {@code dpo})
   * @param totalSteps steps of the run
   * @param logEvery metrics are logged every this many steps (and at the last)
   * @param evalEvery evaluation every this many steps (and at the last); 0 only at the last
   * @param saveEvery checkpoint every this many steps; 0 only at the end
   * @param keepCheckpoints newest checkpoints kept
   */
  public record Plan(String stage, long totalSteps, int logEvery, int evalEvery, int saveEvery, int keepCheckpoints) {
    public Plan {
      checkArgument(totalSteps >= 1, "the run has no steps (check the data size, batch size and epochs)");
      checkArgument(logEvery >= 1, "logEvery must be >= 1, got %s", logEvery);
      checkArgument(evalEvery >= 0 && saveEvery >= 0, "evalEvery and saveEvery must be >= 0");
      checkArgument(keepCheckpoints >= 1, "keepCheckpoints must be >= 1, got %s", keepCheckpoints);
    }
  }

  /** What a stage supplies to the loop. */
  public interface Stage {
    /** The micro-batches of step {@code step} (1-based); a pure function of the step and the seed. */
    List<MicroBatch> microBatches(long step);

    /** Held-out metrics, keys without the {@code eval/} prefix; empty when there is no evaluation data. */
    Map<String, Double> evaluate();

    /** Stage-specific state to put in checkpoints (e.g. cached reference log-probs' location). */
    default ObjectNode checkpointState() {
      return null;
    }
  }

  private final Plan plan;
  private final RunContext run;
  private final Checkpoints.Writer weights;
  private final AdamW optimizer;
  private final NDManager parent;

  /**
   * @param weights writes the trained model into a checkpoint folder (so each checkpoint is a loadable model)
   * @param parent the manager under which each step's sub-manager is opened
   */
  public TrainingLoop(Plan plan, RunContext run, Checkpoints.Writer weights, AdamW optimizer, NDManager parent) {
    this.plan = plan;
    this.run = run;
    this.weights = weights;
    this.optimizer = optimizer;
    this.parent = parent;
  }

  /** The step the run continues after: the checkpoint's step (optimizer restored), or 0. */
  public long restore(Optional<Path> checkpoint) throws IOException {
    if (checkpoint.isEmpty()) {
      return 0;
    }
    return TrainingCheckpoint.restore(checkpoint.get(), optimizer).get("step").asLong();
  }

  /**
   * What a run logged.
   *
   * @param initial held-out metrics before the first step ({@code eval/…}; empty when resuming or without eval data)
   * @param last the metrics of the last logged step, the final evaluation included
   */
  public record Result(Map<String, Double> initial, Map<String, Double> last) {}

  /** Runs steps {@code startAfter + 1 … totalSteps}. */
  public Result run(Stage stage, long startAfter) throws IOException {
    GradientStep stepper = new GradientStep(optimizer, parent);
    Map<String, Double> last = new LinkedHashMap<>();
    Map<String, Double> before = new LinkedHashMap<>();
    double tokens = 0;
    long window = 0;
    long windowStart = System.nanoTime();
    if (startAfter == 0) {
      stage.evaluate().forEach((k, v) -> before.put("eval/" + k, v));
      if (!before.isEmpty()) {   // step 0: the held-out numbers before any update, for comparison
        run.logStep(0, before);
        run.evaluation(0, before);
      }
    }
    for (long step = startAfter + 1; step <= plan.totalSteps(); step++) {
      List<MicroBatch> mbs = stage.microBatches(step);
      StepResult r = stepper.run(step, mbs);
      window++;
      tokens += r.metrics().getOrDefault("num_tokens", 0.0);
      boolean isLast = step == plan.totalSteps();
      Map<String, Double> values = new LinkedHashMap<>();
      if (step % plan.logEvery() == 0 || isLast) {
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        values.put("loss/total", r.loss());
        values.putAll(r.metrics());
        values.put("lr", r.learningRate());
        values.put("grad_norm", r.gradNorm());
        values.put("perf/steps_per_second", window / seconds);
        if (tokens > 0) {
          values.put("perf/tokens_per_second", tokens / seconds);
        }
        window = 0;
        tokens = 0;
        windowStart = System.nanoTime();
      }
      Map<String, Double> eval = new LinkedHashMap<>();
      if ((plan.evalEvery() > 0 && step % plan.evalEvery() == 0) || isLast) {
        stage.evaluate().forEach((k, v) -> eval.put("eval/" + k, v));
        values.putAll(eval);
      }
      if (!values.isEmpty()) {
        run.logStep(step, values);
        run.evaluation(step, eval);
        last.putAll(values);
      }
      long s = step;
      Checkpoints.Writer writer = folder -> TrainingCheckpoint.write(folder, weights, optimizer, s,
          stage.checkpointState());
      if ((plan.saveEvery() > 0 && step % plan.saveEvery() == 0) || isLast) {
        run.saveCheckpoint(step, plan.keepCheckpoints(), writer);
      }
      if (!isLast) {
        run.stopIfCancelled(step, () -> run.saveCheckpoint(s, plan.keepCheckpoints(), writer));
      }
    }
    if (last.isEmpty() && startAfter > 0) {
      last.putAll(run.loggedAt(startAfter));   // resumed from the final checkpoint: report what it logged
    }
    return new Result(before, last);
  }
}
