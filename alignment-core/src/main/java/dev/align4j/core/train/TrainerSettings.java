package dev.align4j.core.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.train.CancellationToken;
import dev.align4j.api.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a trainer runs, apart from its algorithm's configuration: who hears about it, where (if anywhere) it keeps its
 * run folder, and how it is stopped. Without a run folder a trainer writes no file at all: metrics go to the
 * listeners, nothing is checkpointed, and the trained model is only returned.
 *
 * @param listeners receive step metrics, evaluations and checkpoint events, in order
 * @param runFolder {@code config.json}, {@code metrics.jsonl}, checkpoints (resume) and {@code final/}; empty for none
 * @param mode what to do with an existing run folder
 * @param cancellation checked between steps (besides {@link Thread#interrupt}); empty for none
 * @param recorded extra entries for {@code config.json} (the command line records its own options here); values are
 *     strings, numbers, booleans, lists of them or null
 */
public record TrainerSettings(List<TrainingListener> listeners, Optional<Path> runFolder, RunMode mode,
    Optional<CancellationToken> cancellation, Map<String, Object> recorded) {
  public TrainerSettings {
    listeners = List.copyOf(listeners);
    checkNotNull(runFolder, "runFolder");
    checkNotNull(mode, "mode");
    checkNotNull(cancellation, "cancellation");
    recorded = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(recorded));
  }

  /** No listener, no run folder, no cancellation token. */
  public static TrainerSettings defaults() {
    return new TrainerSettings(List.of(), Optional.empty(), RunMode.RESUME_OR_NEW, Optional.empty(), Map.of());
  }

  /** With one more listener. */
  public TrainerSettings withListener(TrainingListener listener) {
    checkNotNull(listener, "listener");
    List<TrainingListener> all = new ArrayList<>(listeners);
    all.add(listener);
    return new TrainerSettings(all, runFolder, mode, cancellation, recorded);
  }

  /** With a run folder. */
  public TrainerSettings withRunFolder(Path folder, RunMode newMode) {
    checkNotNull(folder, "folder");
    return new TrainerSettings(listeners, Optional.of(folder), newMode, cancellation, recorded);
  }

  /** With a cancellation token. */
  public TrainerSettings withCancellation(CancellationToken token) {
    checkNotNull(token, "token");
    return new TrainerSettings(listeners, runFolder, mode, Optional.of(token), recorded);
  }

  /** With extra {@code config.json} entries. */
  public TrainerSettings withRecorded(Map<String, Object> entries) {
    Map<String, Object> all = new LinkedHashMap<>(recorded);
    all.putAll(entries);
    return new TrainerSettings(listeners, runFolder, mode, cancellation, all);
  }
}
