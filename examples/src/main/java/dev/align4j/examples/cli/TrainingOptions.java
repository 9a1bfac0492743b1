package dev.align4j.examples.cli;

import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingArgs;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The training options every offline stage command shares, spelled after TRL's argument names. */
final class TrainingOptions {
  @Option(names = "--learning-rate", description = "Peak learning rate (default: ${DEFAULT-VALUE}).",
      defaultValue = "2e-5")
  double learningRate;

  @Option(names = "--epochs", description = "Passes over the training data, when --max-steps is 0 "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "3")
  int epochs;

  @Option(names = "--max-steps", description = "Optimizer steps; 0 derives them from --epochs "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
  long maxSteps;

  @Option(names = "--batch-size", description = "Examples per micro-batch (default: ${DEFAULT-VALUE}).",
      defaultValue = "8")
  int batchSize;

  @Option(names = "--gradient-accumulation-steps", description = "Micro-batches per optimizer step "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "1")
  int gradientAccumulationSteps;

  @Option(names = "--seed", description = "Fixes data order and initialisation (default: ${DEFAULT-VALUE}).",
      defaultValue = "42")
  long seed;

  @Option(names = "--warmup-ratio", description = "Share of steps warming the learning rate up "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "0.0")
  double warmupRatio;

  @Option(names = "--lr-scheduler-type", description = "constant, linear or cosine (default: ${DEFAULT-VALUE}).",
      defaultValue = "linear")
  String scheduler;

  @Option(names = "--weight-decay", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).",
      defaultValue = "0.0")
  double weightDecay;

  @Option(names = "--max-grad-norm", description = "Global gradient-norm clip, 0 disables "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "1.0")
  double maxGradNorm;

  @Option(names = "--max-length", description = "Tokens per sequence; longer ones are truncated and counted "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "1024")
  int maxLength;

  @Option(names = "--logging-steps", description = "Log metrics every N steps (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int loggingSteps;

  @Option(names = "--eval-steps", description = "Evaluate every N steps; 0 only at the end "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "0")
  int evalSteps;

  @Option(names = "--save-steps", description = "Checkpoint every N steps; 0 only at the end "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "500")
  int saveSteps;

  @Option(names = "--save-total-limit", description = "Newest checkpoints kept (default: ${DEFAULT-VALUE}).",
      defaultValue = "2")
  int saveTotalLimit;

  @Option(names = "--threads", description = "PyTorch intra-op threads; 0 keeps the default, 1 makes resumed runs"
      + " bitwise identical to uninterrupted ones (default: ${DEFAULT-VALUE}).", defaultValue = "0")
  int threads;

  TrainingArgs toArgs() {
    ScheduleKind kind;
    try {
      kind = ScheduleKind.valueOf(scheduler.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--lr-scheduler-type must be constant, linear or cosine, got " + scheduler);
    }
    return new TrainingArgs(learningRate, epochs, maxSteps, batchSize, gradientAccumulationSteps, seed, warmupRatio,
        kind, weightDecay, maxGradNorm, maxLength, loggingSteps, evalSteps, saveSteps, saveTotalLimit, threads);
  }
}
