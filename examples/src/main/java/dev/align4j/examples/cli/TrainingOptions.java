package dev.align4j.examples.cli;

import dev.align4j.core.train.TrainingArgs;
import picocli.CommandLine.Option;

/** The training options every offline stage command shares, spelled after TRL's argument names. */
final class TrainingOptions {
  @Option(names = "--learning-rate", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--epochs", description = "Passes over the training data, when --max-steps is 0 "
      + "(default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--max-steps", description = "Optimizer steps; 0 derives them from --epochs "
      + "(default: ${DEFAULT-VALUE}).")
  long maxSteps;

  @Option(names = "--batch-size", description = "Examples per micro-batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--gradient-accumulation-steps", description = "Micro-batches per optimizer step "
      + "(default: ${DEFAULT-VALUE}).")
  int gradientAccumulationSteps;

  @Option(names = "--seed", description = "Fixes data order and initialisation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--warmup-ratio", description = "Share of steps warming the learning rate up "
      + "(default: ${DEFAULT-VALUE}).")
  double warmupRatio;

  @Option(names = "--lr-scheduler-type", description = "constant, linear or cosine (default: ${DEFAULT-VALUE}).")
  String scheduler;

  @Option(names = "--weight-decay", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--max-grad-norm", description = "Global gradient-norm clip, 0 disables "
      + "(default: ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(names = "--max-length", description = "Tokens per sequence; longer ones are truncated and counted "
      + "(default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--logging-steps", description = "Log metrics every N steps (default: ${DEFAULT-VALUE}).")
  int loggingSteps;

  @Option(names = "--eval-steps", description = "Evaluate every N steps; 0 only at the end "
      + "(default: ${DEFAULT-VALUE}).")
  int evalSteps;

  @Option(names = "--save-steps", description = "Checkpoint every N steps; 0 only at the end "
      + "(default: ${DEFAULT-VALUE}).")
  int saveSteps;

  @Option(names = "--save-total-limit", description = "Newest checkpoints kept (default: ${DEFAULT-VALUE}).")
  int saveTotalLimit;

  @Option(names = "--threads", description = "PyTorch intra-op threads; 0 keeps the default, 1 makes resumed runs"
      + " bitwise identical to uninterrupted ones (default: ${DEFAULT-VALUE}).")
  int threads;

  /** Puts the options onto a stage's config builder (see {@link ConfigMapping}). */
  <B extends TrainingArgs.AbstractBuilder<B>> B applyTo(B b) {
    return b.learningRate(learningRate).epochs(epochs).maxSteps(maxSteps).batchSize(batchSize)
        .gradientAccumulationSteps(gradientAccumulationSteps).seed(seed).warmupRatio(warmupRatio)
        .schedule(ConfigMapping.schedule(scheduler)).weightDecay(weightDecay).maxGradNorm(maxGradNorm)
        .maxLength(maxLength).logEvery(loggingSteps).evalEvery(evalSteps).saveEvery(saveSteps)
        .keepCheckpoints(saveTotalLimit).threads(threads);
  }
}
