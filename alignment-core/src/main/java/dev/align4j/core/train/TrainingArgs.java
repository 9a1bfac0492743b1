package dev.align4j.core.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The options every offline stage shares, named after TRL's {@code TrainingArguments} (the command line spells them
 * in kebab case: {@code --learning-rate}, {@code --max-steps}, …). Build with {@link #builder()} or through a stage's
 * config builder ({@code SftConfig.builder().learningRate(2e-5).maxSteps(300).build()}); each setter names its
 * default.
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
    checkArgument(logEvery >= 1, "logging-steps must be >= 1, got %s", logEvery);
    checkArgument(evalEvery >= 0, "eval-steps must be >= 0, got %s", evalEvery);
    checkArgument(saveEvery >= 0, "save-steps must be >= 0, got %s", saveEvery);
    checkArgument(keepCheckpoints >= 1, "save-total-limit must be >= 1, got %s", keepCheckpoints);
    checkArgument(threads >= 0, "threads must be >= 0, got %s", threads);
  }

  /** A builder with TRL's defaults (see each setter). */
  public static Builder builder() {
    return new Builder();
  }

  /** TRL's defaults where they apply: lr 2e-5, 3 epochs, batch 8, linear decay, clip 1.0, max length 1024. */
  public static TrainingArgs defaults() {
    return builder().build();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder().training(this);
  }

  /** A copy that runs {@code n} epochs (and derives the steps from them). */
  public TrainingArgs withEpochs(int n) {
    return toBuilder().epochs(n).maxSteps(0).build();
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

  /** The values under the command line's (TRL's, kebab-cased) names, in declaration order, for {@code config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("learning-rate", learningRate);
    m.put("epochs", epochs);
    m.put("max-steps", maxSteps);
    m.put("batch-size", batchSize);
    m.put("gradient-accumulation-steps", gradientAccumulationSteps);
    m.put("seed", seed);
    m.put("warmup-ratio", warmupRatio);
    m.put("lr-scheduler-type", schedule.name().toLowerCase(Locale.ROOT));
    m.put("weight-decay", weightDecay);
    m.put("max-grad-norm", maxGradNorm);
    m.put("max-length", maxLength);
    m.put("logging-steps", logEvery);
    m.put("eval-steps", evalEvery);
    m.put("save-steps", saveEvery);
    m.put("save-total-limit", keepCheckpoints);
    m.put("threads", threads);
    return m;
  }

  /** The builder of {@link TrainingArgs} itself. */
  public static final class Builder extends AbstractBuilder<Builder> {
    Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /** The arguments; throws {@link IllegalArgumentException} naming the first invalid field. */
    public TrainingArgs build() {
      return trainingArgs();
    }
  }

  /**
   * The shared setters of every offline stage's config builder (SFT, reward model, DPO), defaults after TRL's
   * {@code TrainingArguments} and the overrides TRL's configs apply to all trainers.
   *
   * @param <B> the concrete builder, returned by each setter
   */
  public abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {
    private double learningRate = 2e-5;
    private int epochs = 3;
    private long maxSteps;
    private int batchSize = 8;
    private int gradientAccumulationSteps = 1;
    private long seed = 42;
    private double warmupRatio;
    private ScheduleKind schedule = ScheduleKind.LINEAR;
    private double weightDecay;
    private double maxGradNorm = 1.0;
    private int maxLength = 1024;
    private int logEvery = 10;
    private int evalEvery;
    private int saveEvery = 500;
    private int keepCheckpoints = 2;
    private int threads;

    protected AbstractBuilder() {}

    /** This builder, typed. */
    protected abstract B self();

    /** Peak learning rate; default 2e-5 (TRL's SFTConfig; each stage's builder sets TRL's value for it). */
    public B learningRate(double v) {
      this.learningRate = v;
      return self();
    }

    /** Passes over the data when {@code maxSteps} is 0; default 3 ({@code num_train_epochs}). */
    public B epochs(int v) {
      this.epochs = v;
      return self();
    }

    /** Optimizer steps, 0 to derive them from {@code epochs}; default 0 ({@code max_steps} −1). */
    public B maxSteps(long v) {
      this.maxSteps = v;
      return self();
    }

    /** Examples (or pairs) per micro-batch; default 8 ({@code per_device_train_batch_size}). */
    public B batchSize(int v) {
      this.batchSize = v;
      return self();
    }

    /** Micro-batches per optimizer step; default 1 ({@code gradient_accumulation_steps}). */
    public B gradientAccumulationSteps(int v) {
      this.gradientAccumulationSteps = v;
      return self();
    }

    /** Fixes data order and initialisation; default 42 ({@code seed}). */
    public B seed(long v) {
      this.seed = v;
      return self();
    }

    /** Share of steps warming the learning rate up; default 0 ({@code warmup_ratio}). */
    public B warmupRatio(double v) {
      this.warmupRatio = v;
      return self();
    }

    /** Decay after warm-up; default linear ({@code lr_scheduler_type}). */
    public B schedule(ScheduleKind v) {
      this.schedule = v;
      return self();
    }

    /** AdamW's decoupled weight decay; default 0 ({@code weight_decay}). */
    public B weightDecay(double v) {
      this.weightDecay = v;
      return self();
    }

    /** Global gradient-norm clip, 0 off; default 1.0 ({@code max_grad_norm}). */
    public B maxGradNorm(double v) {
      this.maxGradNorm = v;
      return self();
    }

    /** Tokens per sequence, longer ones truncated and counted; default 1024 ({@code max_length}). */
    public B maxLength(int v) {
      this.maxLength = v;
      return self();
    }

    /** Metrics every this many steps; default 10 ({@code logging_steps} of TRL's configs). */
    public B logEvery(int v) {
      this.logEvery = v;
      return self();
    }

    /** Evaluation every this many steps, 0 only at the end; default 0 ({@code eval_steps}). */
    public B evalEvery(int v) {
      this.evalEvery = v;
      return self();
    }

    /** Checkpoint every this many steps (with a run folder), 0 only at the end; default 500 ({@code save_steps}). */
    public B saveEvery(int v) {
      this.saveEvery = v;
      return self();
    }

    /**
     * Newest checkpoints kept; default 2 ({@code save_total_limit}; TRL keeps all by default, which fills disks on
     * long runs).
     */
    public B keepCheckpoints(int v) {
      this.keepCheckpoints = v;
      return self();
    }

    /** PyTorch intra-op threads, 0 the engine's default; default 0. 1 makes resumed runs bitwise reproducible. */
    public B threads(int v) {
      this.threads = v;
      return self();
    }

    /** Copies every field of {@code t}. */
    public B training(TrainingArgs t) {
      learningRate = t.learningRate();
      epochs = t.epochs();
      maxSteps = t.maxSteps();
      batchSize = t.batchSize();
      gradientAccumulationSteps = t.gradientAccumulationSteps();
      seed = t.seed();
      warmupRatio = t.warmupRatio();
      schedule = t.schedule();
      weightDecay = t.weightDecay();
      maxGradNorm = t.maxGradNorm();
      maxLength = t.maxLength();
      logEvery = t.logEvery();
      evalEvery = t.evalEvery();
      saveEvery = t.saveEvery();
      keepCheckpoints = t.keepCheckpoints();
      threads = t.threads();
      return self();
    }

    /** The shared arguments as set so far, validated. */
    protected TrainingArgs trainingArgs() {
      return new TrainingArgs(learningRate, epochs, maxSteps, batchSize, gradientAccumulationSteps, seed, warmupRatio,
          schedule, weightDecay, maxGradNorm, maxLength, logEvery, evalEvery, saveEvery, keepCheckpoints, threads);
    }
  }
}
