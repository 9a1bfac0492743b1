package dev.align4j.core.train;

import dev.align4j.api.train.CancellationToken;
import dev.align4j.api.train.TrainingListener;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every trainer offers besides its algorithm: listeners, an optional run folder and cancellation. Trainers are
 * immutable; each method returns a new trainer, so one configured trainer can be shared and varied.
 *
 * @param <T> the concrete trainer
 */
public abstract class Trainer<T extends Trainer<T>> {
  private final TrainerSettings settings;

  protected Trainer(TrainerSettings settings) {
    this.settings = settings;
  }

  /** The settings. */
  public TrainerSettings settings() {
    return settings;
  }

  /** The same trainer with other settings. */
  protected abstract T withSettings(TrainerSettings newSettings);

  /** Adds a listener for step metrics, evaluations and checkpoints (for example a host's metrics system). */
  public T listener(TrainingListener listener) {
    return withSettings(settings.withListener(listener));
  }

  /**
   * Keeps a run folder: {@code config.json}, {@code metrics.jsonl}, resumable checkpoints and {@code final/}. A folder
   * with checkpoints resumes from the newest; one holding anything else is refused.
   */
  public T runFolder(Path folder) {
    return withSettings(settings.withRunFolder(folder, RunMode.RESUME_OR_NEW));
  }

  /** Keeps a run folder, treating an existing one as {@code mode} says. */
  public T runFolder(Path folder, RunMode mode) {
    return withSettings(settings.withRunFolder(folder, mode));
  }

  /** Stops between steps once {@code token} is cancelled, checkpointing first when a run folder is kept. */
  public T cancellation(CancellationToken token) {
    return withSettings(settings.withCancellation(token));
  }

  /** Adds entries to the run folder's {@code config.json} (strings, numbers, booleans, lists of them). */
  public T record(Map<String, Object> entries) {
    return withSettings(settings.withRecorded(entries));
  }
}
