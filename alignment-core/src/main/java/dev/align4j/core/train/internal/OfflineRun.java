package dev.align4j.core.train.internal;

import ai.djl.ndarray.NDManager;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.run.Checkpoints;
import dev.align4j.core.train.TrainingArgs;
import java.io.IOException;
import java.util.List;

/**
 * The optimizer side every offline stage (SFT, reward model, DPO) shares: AdamW over the trainable parameters, the
 * loop from the run's checkpoint (optimizer restored) to {@code totalSteps}.
 */
public final class OfflineRun {
  private OfflineRun() {}

  /**
   * Trains for {@code totalSteps}; the caller has restored the weights of {@code run}'s checkpoint, if any.
   *
   * @param params the trainable parameters (updated in place)
   * @param parent the manager of the optimizer state and of each step's temporaries
   * @param weights writes the model into a checkpoint folder
   */
  public static TrainingLoop.Result train(String stageName, TrainingArgs args, RunContext run, List<Parameter> params,
      NDManager parent, Checkpoints.Writer weights, long totalSteps, TrainingLoop.Stage stage) throws IOException {
    try (AdamW optimizer = new AdamW(params, args.optimizer(totalSteps), parent)) {
      TrainingLoop loop = new TrainingLoop(new TrainingLoop.Plan(stageName, totalSteps, args.logEvery(),
          args.evalEvery(), args.saveEvery(), args.keepCheckpoints()), run, weights, optimizer, parent);
      long startAfter = loop.restore(run.checkpoint());
      return loop.run(stage, startAfter);
    }
  }
}
