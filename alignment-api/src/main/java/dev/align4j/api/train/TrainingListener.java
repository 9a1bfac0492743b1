package dev.align4j.api.train;

/** Receives a trainer's events; every method has a do-nothing default. */
public interface TrainingListener {
  /** After a logged step. */
  default void onStep(StepMetrics metrics) {}

  /** After a checkpoint was written (atomically) to {@code path}. */
  default void onCheckpoint(long step, java.nio.file.Path path) {}

  /** When the run ends, normally or not. */
  default void onEnd() {}
}
