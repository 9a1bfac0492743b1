package dev.align4j.core.train;

/** The learning-rate schedule after warm-up (TRL's {@code lr_scheduler_type}). */
public enum ScheduleKind {
  /** Constant. */
  CONSTANT,
  /** Linear decay to 0 (TRL's default). */
  LINEAR,
  /** Cosine decay to 10 % of the peak. */
  COSINE;

  /** The schedule for a run of {@code totalSteps} with {@code warmupSteps} of warm-up. */
  public LrSchedule schedule(long warmupSteps, long totalSteps) {
    return switch (this) {
      case CONSTANT -> new LrSchedule.Constant(warmupSteps);
      case LINEAR -> new LrSchedule.Linear(warmupSteps, totalSteps);
      case COSINE -> new LrSchedule.Cosine(warmupSteps, totalSteps, 0.1);
    };
  }
}
