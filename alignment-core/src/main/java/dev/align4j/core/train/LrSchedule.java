package dev.align4j.core.train;

import static com.google.common.base.Preconditions.checkArgument;

/** The learning rate as a function of the optimizer step (1-based). */
public sealed interface LrSchedule {

  /** The multiplier of the peak learning rate at {@code step}, in [0, 1]. */
  double factor(long step);

  /** Constant after a linear warm-up. */
  record Constant(long warmupSteps) implements LrSchedule {
    public Constant {
      checkArgument(warmupSteps >= 0, "warmupSteps must be >= 0, got %s", warmupSteps);
    }

    @Override public double factor(long step) {
      return warmup(step, warmupSteps, 1.0);
    }
  }

  /**
   * Linear warm-up, then cosine decay to {@code minRatio} of the peak at {@code totalSteps} (Loshchilov and Hutter
   * 2017; the usual LLM fine-tuning schedule).
   */
  record Cosine(long warmupSteps, long totalSteps, double minRatio) implements LrSchedule {
    public Cosine {
      checkArgument(warmupSteps >= 0 && totalSteps >= 1 && warmupSteps <= totalSteps,
          "need 0 <= warmupSteps (%s) <= totalSteps (%s), totalSteps >= 1", warmupSteps, totalSteps);
      checkArgument(minRatio >= 0 && minRatio <= 1, "minRatio must be in [0, 1], got %s", minRatio);
    }

    @Override public double factor(long step) {
      if (step <= warmupSteps) {
        return warmup(step, warmupSteps, 1.0);
      }
      double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
      return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }

  /** Linear warm-up, then linear decay to 0 at {@code totalSteps} (TRL's default {@code lr_scheduler_type}). */
  record Linear(long warmupSteps, long totalSteps) implements LrSchedule {
    public Linear {
      checkArgument(warmupSteps >= 0 && totalSteps >= 1 && warmupSteps <= totalSteps,
          "need 0 <= warmupSteps (%s) <= totalSteps (%s), totalSteps >= 1", warmupSteps, totalSteps);
    }

    @Override public double factor(long step) {
      if (step <= warmupSteps) {
        return warmup(step, warmupSteps, 1.0);
      }
      return Math.max(0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
  }

  private static double warmup(long step, long warmupSteps, double peak) {
    return warmupSteps == 0 || step >= warmupSteps ? peak : peak * step / warmupSteps;
  }
}
