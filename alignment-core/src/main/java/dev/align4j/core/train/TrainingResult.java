package dev.align4j.core.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.train.StepMetrics;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a trainer returns: the trained model (a new object; the model handed to the trainer is unchanged) and what the
 * run measured. The result owns the model: close it, or the result, when done.
 *
 * @param model the trained model
 * @param steps optimizer steps (RL: iterations) of the run, resumed ones included
 * @param metrics the last logged metrics, final evaluation ({@code eval/…}) included
 * @param initialEval held-out metrics before the first step ({@code eval/…}); empty when resuming or without eval data
 * @param history every logged step (RL: every iteration), in order
 * @param runFolder the run folder, when one was kept
 * @param <M> the model's type
 */
public record TrainingResult<M>(M model, long steps, Map<String, Double> metrics, Map<String, Double> initialEval,
    List<StepMetrics> history, Optional<Path> runFolder) implements AutoCloseable {
  public TrainingResult {
    checkNotNull(model, "model");
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    initialEval = Collections.unmodifiableMap(new LinkedHashMap<>(initialEval));
    history = List.copyOf(history);
    checkNotNull(runFolder, "runFolder");
  }

  /** A metric of the last logged step. */
  public double metric(String name) {
    Double v = metrics.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no metric " + name + " in the result; it has " + metrics.keySet());
    }
    return v;
  }

  /** Closes the model when it holds native memory. */
  @Override
  public void close() {
    if (model instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the trained model failed: " + e.getMessage(), e);
      }
    }
  }
}
