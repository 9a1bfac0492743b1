package dev.align4j.core.train.internal;

import dev.align4j.core.train.OptimizerConfig;
import dev.align4j.core.train.NonFiniteException;
import static com.google.common.base.Preconditions.checkArgument;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimizer step over several micro-batches: forward, backward of each loss weighted by its share, global-norm
 * clipping, AdamW. Everything a step creates lives in one sub-manager that is closed at the end of the step, which
 * keeps memory flat over thousands of steps.
 */
public final class GradientStep {
  private final AdamW optimizer;
  private final NDManager parent;

  /**
   * @param optimizer the optimizer of the trainable parameters
   * @param parent the manager under which each step's sub-manager is opened (the model's)
   */
  public GradientStep(AdamW optimizer, NDManager parent) {
    this.optimizer = optimizer;
    this.parent = parent;
  }

  /**
   * Runs step {@code step} (1-based) over {@code microBatches}.
   *
   * @throws NonFiniteException on a NaN or infinite loss or gradient norm; the weights are then untouched
   */
  public StepResult run(long step, List<MicroBatch> microBatches) {
    checkArgument(!microBatches.isEmpty(), "a step needs at least one micro-batch");
    double totalWeight = 0;
    for (MicroBatch mb : microBatches) {
      checkArgument(mb.weight() > 0, "micro-batch weights must be > 0, got %s", mb.weight());
      totalWeight += mb.weight();
    }
    try (NDManager stepManager = parent.newSubManager()) {
      double loss = 0;
      Map<String, Double> metrics = new LinkedHashMap<>();
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        for (MicroBatch mb : microBatches) {
          double share = mb.weight() / totalWeight;
          try (NDManager mm = stepManager.newSubManager()) {
            LossAndMetrics r = mb.compute(mm);
            double value = r.loss().toType(DataType.FLOAT64, false).getDouble();
            if (!Double.isFinite(value)) {
              optimizer.zeroGradients();
              throw new NonFiniteException(step, "the loss", value);
            }
            NDArray scaled = share == 1.0 ? r.loss() : mul(r.loss(), share);
            gc.backward(scaled);
            loss += share * value;
            r.metrics().forEach((k, v) -> metrics.merge(k, share * v, Double::sum));
          }
        }
      }
      double norm = optimizer.globalGradNorm(stepManager);
      if (!Double.isFinite(norm)) {
        optimizer.zeroGradients();
        throw new NonFiniteException(step, "the gradient norm", norm);
      }
      OptimizerConfig c = optimizer.config();
      double clip = c.maxGradNorm() > 0 ? Math.min(1.0, c.maxGradNorm() / (norm + 1e-6)) : 1.0;
      double lr = c.learningRate() * c.schedule().factor(step);
      optimizer.update(stepManager, lr, clip);
      return new StepResult(step, loss, norm, lr, metrics);
    }
  }
}
