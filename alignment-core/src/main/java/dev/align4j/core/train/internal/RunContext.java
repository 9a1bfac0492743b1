package dev.align4j.core.train.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.train.CancellationToken;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingCancelledException;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.run.Checkpoints;
import dev.align4j.core.run.MetricsLog;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.runtime.DjlSetup;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.TrainerSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trainer run as the outside sees it: the optional run folder ({@code config.json}, {@code metrics.jsonl},
 * checkpoints, the checkpoint to resume from), the listeners, the history of logged steps, and cancellation between
 * steps. Without a run folder nothing is written to disk.
 */
public final class RunContext implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunContext.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String stage;
  private final RunFolder folder;
  private final Optional<Path> checkpoint;
  private final MetricsLog metrics;
  private final List<TrainingListener> listeners;
  private final Optional<CancellationToken> token;
  private final List<StepMetrics> history = new ArrayList<>();
  private final long started = System.nanoTime();
  private final boolean gradModeBefore;
  private long lastSavedStep = -1;
  private Path lastSaved;

  private RunContext(String stage, RunFolder folder, Optional<Path> checkpoint, MetricsLog metrics,
      List<TrainingListener> listeners, Optional<CancellationToken> token) {
    this.stage = stage;
    this.folder = folder;
    this.checkpoint = checkpoint;
    this.metrics = metrics;
    this.listeners = listeners;
    this.token = token;
    // PyTorch's grad mode is per thread and on by default on every thread but the one that started the engine: a
    // host application training on a worker thread would record graphs outside the gradient collector and fail the
    // optimizer's in-place updates. A run is recorded only inside its gradient collectors; restored on close.
    this.gradModeBefore = ai.djl.pytorch.jni.JniUtils.isGradMode();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
  }

  /**
   * Starts a run: sets the thread count, opens the run folder (if any) and writes its {@code config.json}: the
   * settings' recorded entries, then the trainer's own configuration.
   *
   * @param config the trainer's configuration under the command line's names
   * @param threads PyTorch intra-op threads, 0 to keep the current setting
   */
  public static RunContext open(String stage, Map<String, Object> config, TrainerSettings settings, int threads)
      throws IOException {
    DjlSetup.engine();
    if (threads > 0) {
      DjlSetup.setIntraOpThreads(threads);
    }
    List<TrainingListener> all = new ArrayList<>(settings.listeners());
    if (settings.runFolder().isEmpty()) {
      return new RunContext(stage, null, Optional.empty(), null, List.copyOf(all), settings.cancellation());
    }
    RunFolder run = RunFolder.open(settings.runFolder().get(), settings.mode() == RunMode.OVERWRITE
        ? RunFolder.Mode.OVERWRITE : RunFolder.Mode.RESUME_OR_NEW);
    Optional<Path> resume = run.resumeFrom();
    resume.ifPresent(c -> LOG.info("{}: resuming from {}", stage, c));
    Map<String, Object> written = new LinkedHashMap<>(settings.recorded());
    written.putAll(config);
    written.putIfAbsent("stage", stage);
    run.writeConfig((ObjectNode) JSON.valueToTree(written));
    MetricsLog log = run.metrics(stage, resume.map(Checkpoints::stepOf).orElse(0L));
    all.add(log);
    return new RunContext(stage, run, resume, log, List.copyOf(all), settings.cancellation());
  }

  /** The stage name in metrics. */
  public String stage() {
    return stage;
  }

  /**
   * The metrics logged at {@code step} in this run folder's {@code metrics.jsonl} (numbers only; empty without a run
   * folder or such a line): what a trainer resumed from its final checkpoint reports as its last metrics, since it
   * runs no step that would log them again.
   */
  public Map<String, Double> loggedAt(long step) throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    if (folder == null) {
      return out;
    }
    Path file = folder.root().resolve("metrics.jsonl");
    if (!java.nio.file.Files.isRegularFile(file)) {
      return out;
    }
    for (String line : java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(line);
      if (n.path("step").asLong(-1) == step && stage.equals(n.path("stage").asText())) {
        n.properties().forEach(e -> {
          if (e.getValue().isNumber() && !e.getKey().equals("step") && !e.getKey().equals("time_s")) {
            out.put(e.getKey(), e.getValue().asDouble());
          }
        });
      }
    }
    return out;
  }

  /** The checkpoint to resume from, if the run folder has one. */
  public Optional<Path> checkpoint() {
    return checkpoint;
  }

  /** Whether a run folder is kept. */
  public boolean keepsFolder() {
    return folder != null;
  }

  /** The run folder's root, when one is kept. */
  public Optional<Path> root() {
    return folder == null ? Optional.empty() : Optional.of(folder.root());
  }

  /** Where the final model goes, when a run folder is kept. */
  public Optional<Path> finalModel() {
    return folder == null ? Optional.empty() : Optional.of(folder.finalModel());
  }

  /** Seconds since the run started. */
  public double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Sends a logged step to the listeners (and {@code metrics.jsonl}) and keeps it in the history. */
  public void logStep(long step, Map<String, Double> values) {
    StepMetrics m = new StepMetrics(stage, step, seconds(), values);
    history.add(m);
    listeners.forEach(l -> l.onStep(m));
  }

  /** Keeps a step that is not logged (an RL iteration between logging steps) in the history only. */
  public void keepStep(long step, Map<String, Double> values) {
    history.add(new StepMetrics(stage, step, seconds(), values));
  }

  /** Sends an evaluation ({@code eval/} keys) to the listeners. */
  public void evaluation(long step, Map<String, Double> evalValues) {
    if (evalValues.isEmpty()) {
      return;
    }
    StepMetrics m = new StepMetrics(stage, step, seconds(), evalValues);
    listeners.forEach(l -> l.onEvaluation(m));
  }

  /** Every step sent to {@link #logStep} or {@link #keepStep}, in order. */
  public List<StepMetrics> history() {
    return List.copyOf(history);
  }

  /**
   * Writes checkpoint {@code step} atomically (keeping the newest {@code keep}) and tells the listeners; does nothing
   * without a run folder.
   *
   * @return the checkpoint folder, or null without a run folder
   */
  public Path saveCheckpoint(long step, int keep, Checkpoints.Writer writer) throws IOException {
    if (folder == null) {
      return null;
    }
    Path p = folder.checkpoints().save(step, keep, writer);
    lastSavedStep = step;
    lastSaved = p;
    listeners.forEach(l -> l.onCheckpoint(step, p));
    return p;
  }

  /** Writes a checkpoint on demand; see {@link #stopIfCancelled}. */
  @FunctionalInterface
  public interface Saver {
    /** Writes the checkpoint of the current step and returns its folder (null without a run folder). */
    Path save() throws IOException;
  }

  /**
   * After step {@code step}: when the token was cancelled or the thread interrupted, checkpoints the step (unless it
   * was just checkpointed) and throws {@link TrainingCancelledException}; the thread's interrupt flag is kept.
   */
  public void stopIfCancelled(long step, Saver saver) throws IOException {
    boolean interrupted = Thread.interrupted();
    boolean cancelled = token.map(CancellationToken::isCancelled).orElse(false);
    if (!interrupted && !cancelled) {
      return;
    }
    try {
      Path cp = lastSavedStep == step ? lastSaved : saver.save();
      LOG.info("{}: {} after step {}", stage, interrupted ? "interrupted" : "cancelled", step);
      throw new TrainingCancelledException(stage, step, cp);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Tells the listeners the run ended and closes {@code metrics.jsonl}. */
  @Override
  public void close() throws IOException {
    try {
      listeners.forEach(TrainingListener::onEnd);
    } finally {
      ai.djl.pytorch.jni.JniUtils.setGradMode(gradModeBefore);
      if (metrics != null) {
        metrics.close();
      }
    }
  }
}
