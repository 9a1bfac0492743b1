package dev.align4j.api.train;

/**
 * Receives a trainer's events, on the training thread; every method has a do-nothing default. A host application
 * feeds its own metrics system from here. An exception thrown by a listener stops the run (with a run folder, the last
 * checkpoint stays resumable).
 */
public interface TrainingListener {
  /**
   * After a logged step (RL: iteration); evaluation keys, prefixed {@code eval/}, ride along on evaluation steps.
   *
   * @param metrics the step's stage, number, wall time and metric values; immutable, safe to keep
   */
  default void onStep(StepMetrics metrics) {}

  /**
   * After an evaluation on held-out data: only the {@code eval/} keys, at the step they were measured.
   *
   * @param metrics the evaluation, never empty; immutable, safe to keep
   */
  default void onEvaluation(StepMetrics metrics) {}

  /**
   * After a checkpoint was written (atomically) to {@code path}.
   *
   * @param step the last completed step, the one the checkpoint resumes after
   * @param path the checkpoint's folder, complete when this is called
   */
  default void onCheckpoint(long step, java.nio.file.Path path) {}

  /** When the run ends, normally or not. */
  default void onEnd() {}
}
