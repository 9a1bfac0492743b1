package dev.align4j.core.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * AdamW (Loshchilov and Hutter 2019) with a schedule and global-norm clipping.
 *
 * @param learningRate the peak learning rate
 * @param beta1 first-moment decay (0.9)
 * @param beta2 second-moment decay (0.999)
 * @param epsilon added to the denominator (1e-8)
 * @param weightDecay decoupled decay, applied to matrices and embeddings only (not to biases and norm weights)
 * @param maxGradNorm clip the global gradient norm to this; 0 disables clipping
 * @param schedule the learning-rate schedule
 */
public record OptimizerConfig(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
    double maxGradNorm, LrSchedule schedule) {
  public OptimizerConfig {
    checkArgument(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be finite and > 0, got %s",
        learningRate);
    checkArgument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
    checkArgument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
    checkArgument(epsilon > 0, "epsilon must be > 0, got %s", epsilon);
    checkArgument(weightDecay >= 0, "weightDecay must be >= 0, got %s", weightDecay);
    checkArgument(maxGradNorm >= 0, "maxGradNorm must be >= 0 (0 disables clipping), got %s", maxGradNorm);
    checkNotNull(schedule, "schedule");
  }

  /** TRL's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay, clip at 1.0, linear decay without warm-up. */
  public static OptimizerConfig of(double learningRate, long totalSteps) {
    return new OptimizerConfig(learningRate, 0.9, 0.999, 1e-8, 0.0, 1.0, new LrSchedule.Linear(0, totalSteps));
  }

  /** A copy with another schedule. */
  public OptimizerConfig with(LrSchedule newSchedule) {
    return new OptimizerConfig(learningRate, beta1, beta2, epsilon, weightDecay, maxGradNorm, newSchedule);
  }
}
