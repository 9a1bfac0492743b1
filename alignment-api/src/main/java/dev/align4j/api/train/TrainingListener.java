package dev.align4j.api.train;

/**
 * Receives a trainer's events, on the training thread; every method has a do-nothing default. A host application
 * feeds its own metrics system from here. An exception thrown by a listener stops the run (with a run folder, the last
 * checkpoint stays resumable).
 */
public interface TrainingListener {
  /** After a logged step (RL: iteration); evaluation keys, prefixed {@code eval/}, ride along on evaluation steps. */
  default void onStep(StepMetrics metrics) {}

  /** After an evaluation on held-out data: only the {@code eval/} keys, at the step they were measured. */
  default void onEvaluation(StepMetrics metrics) {}

  /** After a checkpoint was written (atomically) to {@code path}. */
  default void onCheckpoint(long step, java.nio.file.Path path) {}

  /** When the run ends, normally or not. */
  default void onEnd() {}
}
