package dev.align4j.api.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A trainer stopped because its {@link CancellationToken} was cancelled or its thread interrupted. With a run folder
 * the last step is checkpointed first, and the same call resumes from it.
 */
public final class TrainingCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The trainer's stage, returned by {@link #stage()}. */
  private final String stage;
  /** The last completed step, returned by {@link #step()}. */
  private final long step;
  /** Transient because {@link Path} is not serializable: a deserialized exception reports no checkpoint. */
  private final transient Path checkpoint;

  /**
   * A cancellation of {@code stage} after {@code step}; the message says where the run can resume from.
   *
   * @param stage the trainer's stage ({@code sft}, {@code grpo}, ...)
   * @param step the last completed step
   * @param checkpoint where it was saved, or null without a run folder
   */
  public TrainingCancelledException(String stage, long step, Path checkpoint) {
    super(stage + ": cancelled after step " + step + (checkpoint == null ? " (no run folder: nothing saved)"
        : "; resumable from " + checkpoint));
    this.stage = stage;
    this.step = step;
    this.checkpoint = checkpoint;
  }

  /**
   * The stage that stopped.
   *
   * @return the trainer's stage, e.g. {@code sft} or {@code grpo}
   */
  public String stage() {
    return stage;
  }

  /**
   * The last completed step.
   *
   * @return the step, the one the checkpoint holds when there is one
   */
  public long step() {
    return step;
  }

  /**
   * The checkpoint to resume from, when a run folder was set.
   *
   * @return the checkpoint's folder, or empty without a run folder (or after deserialization)
   */
  public Optional<Path> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }
}
