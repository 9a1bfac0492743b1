package dev.align4j.api.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A trainer stopped because its {@link CancellationToken} was cancelled or its thread interrupted. With a run folder
 * the last step is checkpointed first, and the same call resumes from it.
 */
public final class TrainingCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String stage;
  private final long step;
  private final transient Path checkpoint;

  /**
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

  /** The stage that stopped. */
  public String stage() {
    return stage;
  }

  /** The last completed step. */
  public long step() {
    return step;
  }

  /** The checkpoint to resume from, when a run folder was set. */
  public Optional<Path> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }
}
