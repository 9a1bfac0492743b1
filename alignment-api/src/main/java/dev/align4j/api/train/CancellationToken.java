package dev.align4j.api.train;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a running trainer to stop. Trainers look at it between steps (so do they at {@link Thread#interrupt}); a run
 * with a run folder then writes a checkpoint it can resume from and throws {@link TrainingCancelledException}.
 * Thread-safe: cancel from any thread.
 */
public final class CancellationToken {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  /** A token that is not cancelled. */
  public CancellationToken() {}

  /** Asks the trainers watching this token to stop after their current step. */
  public void cancel() {
    cancelled.set(true);
  }

  /**
   * Whether {@link #cancel()} was called.
   *
   * @return true once {@link #cancel()} was called on any thread; a token is never reset
   */
  public boolean isCancelled() {
    return cancelled.get();
  }
}
