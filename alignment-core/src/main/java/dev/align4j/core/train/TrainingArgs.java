package dev.align4j.core.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The options every offline stage shares, named after TRL's {@code TrainingArguments} (the command line spells them
 * in kebab case: {@code --learning-rate}, {@code --max-steps}, …).
 *
 * @param learningRate peak learning rate
 * @param epochs passes over the training data (used when {@code maxSteps} is 0)
 * @param maxSteps optimizer steps; 0 derives them from {@code epochs}
 * @param batchSize sequences (or pairs) per micro-batch
 * @param gradientAccumulationSteps micro-batches per optimizer step
 * @param seed fixes the data order and any initialisation
 * @param warmupRatio share of the steps spent warming the learning rate up
 * @param schedule decay after warm-up
 * @param weightDecay AdamW's decoupled decay (matrices and embeddings)
 * @param maxGradNorm global-norm clip; 0 disables
 * @param maxLength tokens per sequence; longer ones are truncated (and counted)
 * @param logEvery metrics every this many steps
 * @param evalEvery evaluation every this many steps; 0 only at the end
 * @param saveEvery checkpoint every this many steps; 0 only at the end
 * @param keepCheckpoints newest checkpoints kept
 * @param threads PyTorch intra-op threads; 0 keeps the default (use 1 for bitwise reproducible resumes)
 */
public record TrainingArgs(double learningRate, int epochs, long maxSteps, int batchSize,
    int gradientAccumulationSteps, long seed, double warmupRatio, ScheduleKind schedule, double weightDecay,
    double maxGradNorm, int maxLength, int logEvery, int evalEvery, int saveEvery, int keepCheckpoints,
    int threads) {
  public TrainingArgs {
    checkArgument(learningRate > 0 && Double.isFinite(learningRate),
        "learning-rate must be finite and > 0, got %s", learningRate);
    checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
    checkArgument(maxSteps >= 0, "max-steps must be >= 0 (0: derive from epochs), got %s", maxSteps);
    checkArgument(batchSize >= 1, "batch-size must be >= 1, got %s", batchSize);
    checkArgument(gradientAccumulationSteps >= 1, "gradient-accumulation-steps must be >= 1, got %s",
        gradientAccumulationSteps);
    checkArgument(warmupRatio >= 0 && warmupRatio < 1, "warmup-ratio must be in [0, 1), got %s", warmupRatio);
    checkNotNull(schedule, "schedule");
    checkArgument(weightDecay >= 0, "weight-decay must be >= 0, got %s", weightDecay);
    checkArgument(maxGradNorm >= 0, "max-grad-norm must be >= 0 (0 disables clipping), got %s", maxGradNorm);
    checkArgument(maxLength >= 2, "max-length must be >= 2, got %s", maxLength);
    checkArgument(logEvery >= 1, "log-every must be >= 1, got %s", logEvery);
    checkArgument(evalEvery >= 0, "eval-every must be >= 0, got %s", evalEvery);
    checkArgument(saveEvery >= 0, "save-every must be >= 0, got %s", saveEvery);
    checkArgument(keepCheckpoints >= 1, "keep-checkpoints must be >= 1, got %s", keepCheckpoints);
    checkArgument(threads >= 0, "threads must be >= 0, got %s", threads);
  }

  /** TRL's defaults where they apply: lr 2e-5, 3 epochs, batch 8, linear decay, clip 1.0, max length 1024. */
  public static TrainingArgs defaults() {
    return new TrainingArgs(2e-5, 3, 0, 8, 1, 42, 0.0, ScheduleKind.LINEAR, 0.0, 1.0, 1024, 10, 0, 500, 2, 0);
  }

  /** A copy that runs {@code n} epochs (and derives the steps from them). */
  public TrainingArgs withEpochs(int n) {
    return new TrainingArgs(learningRate, n, 0, batchSize, gradientAccumulationSteps, seed, warmupRatio, schedule,
        weightDecay, maxGradNorm, maxLength, logEvery, evalEvery, saveEvery, keepCheckpoints, threads);
  }

  /** Optimizer steps for {@code examples} training examples. */
  public long totalSteps(int examples) {
    if (maxSteps > 0) {
      return maxSteps;
    }
    return (long) epochs * stepsPerEpoch(examples);
  }

  /** Optimizer steps in one pass over {@code examples} examples. */
  public long stepsPerEpoch(int examples) {
    long perStep = (long) batchSize * gradientAccumulationSteps;
    return Math.max(1, (examples + perStep - 1) / perStep);
  }

  /** The optimizer configuration for a run of {@code totalSteps}. */
  public OptimizerConfig optimizer(long totalSteps) {
    long warmup = Math.round(warmupRatio * totalSteps);
    return new OptimizerConfig(learningRate, 0.9, 0.999, 1e-8, weightDecay, maxGradNorm,
        schedule.schedule(warmup, totalSteps));
  }
}
