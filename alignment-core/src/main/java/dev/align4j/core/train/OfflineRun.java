package dev.align4j.core.train;

import dev.align4j.core.runtime.DjlSetup;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.run.Checkpoints;
import dev.align4j.core.run.MetricsLog;
import dev.align4j.core.run.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-folder side every offline stage shares: threads, the model folder to start from (the newest checkpoint
 * when resuming), {@code config.json}, {@code metrics.jsonl}, the loop, and {@code OUT/final}.
 */
public final class OfflineRun {
  private static final Logger LOG = LoggerFactory.getLogger(OfflineRun.class);

  private final String stageName;
  private final TrainingArgs args;
  private final RunFolder run;
  private final Optional<Path> checkpoint;

  /** Prepares a run: sets the thread count and writes {@code config.json}. */
  public OfflineRun(String stageName, TrainingArgs args, RunFolder run, ObjectNode resolvedConfig)
      throws IOException {
    this.stageName = stageName;
    this.args = args;
    this.run = run;
    if (args.threads() > 0) {
      DjlSetup.setIntraOpThreads(args.threads());
    }
    this.checkpoint = run.resumeFrom();
    checkpoint.ifPresent(c -> LOG.info("{}: resuming from {}", stageName, c));
    run.writeConfig(resolvedConfig);
  }

  /** The folder to load the trainable model from: the newest checkpoint, or {@code initial}. */
  public Path startFrom(Path initial) {
    return checkpoint.orElse(initial);
  }

  /**
   * Trains {@code model} for {@code totalSteps} and writes {@code OUT/final}.
   *
   * @param tokenizerFolder copied into checkpoints and the final folder
   * @param extraConfig extra config.json keys of the final folder (e.g. {@code pad_token_id})
   */
  public TrainingLoop.Result train(TransformerModel model, Path tokenizerFolder, long totalSteps,
      TrainingLoop.Stage stage, List<TrainingListener> listeners, Provenance provenance, ObjectNode extraConfig)
      throws IOException {
    model.setTrainable(true);
    try (AdamW optimizer = new AdamW(model.parameters(), args.optimizer(totalSteps), model.manager());
        MetricsLog metrics = run.metrics(stageName, checkpoint.map(Checkpoints::stepOf).orElse(0L))) {
      List<TrainingListener> all = new ArrayList<>(listeners);
      all.add(metrics);
      TrainingLoop loop = new TrainingLoop(new TrainingLoop.Plan(stageName, totalSteps, args.logEvery(),
          args.evalEvery(), args.saveEvery(), args.keepCheckpoints()), run, model, tokenizerFolder, optimizer, all);
      long startAfter = loop.restore(checkpoint);
      TrainingLoop.Result result = loop.run(stage, startAfter);
      ModelFolder.save(model, run.finalModel(), tokenizerFolder, provenance, extraConfig);
      LOG.info("{}: final model written to {}", stageName, run.finalModel());
      return result;
    }
  }

  /** Where the final model goes. */
  public Path finalModel() {
    return run.finalModel();
  }
}
