package dev.align4j.core.rl;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.Internal;
import dev.align4j.api.SamplingParams;
import dev.align4j.core.rl.internal.KlCoefficient;
import dev.align4j.core.train.OptimizerConfig;
import dev.align4j.core.train.ScheduleKind;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The options PPO and GRPO share. Built through {@code PpoConfig.builder()} and {@code GrpoConfig.builder()}, whose
 * setters name each default.
 *
 * @param learningRate peak learning rate
 * @param maxSteps RL iterations (sample → score → update)
 * @param batchSize prompts per iteration
 * @param seed fixes prompt order, sampling and initialisation
 * @param maxNewTokens completion budget in tokens
 * @param temperature sampling temperature (scoring uses the same)
 * @param topK top-k filter, 0 off
 * @param topP nucleus filter, 1 off
 * @param beta initial KL coefficient β (0.04–0.2 documented; 0 removes the leash)
 * @param targetKl adaptive β toward this sequence KL (Ziegler et al.); empty keeps β fixed
 * @param missingEosPenalty subtracted from the score of completions without EOS; empty for none
 * @param warmupRatio share of updates warming the learning rate up
 * @param schedule learning-rate decay
 * @param maxGradNorm global-norm clip, 0 off
 * @param logEvery metrics every this many iterations
 * @param saveEvery checkpoint every this many iterations (and at the end)
 * @param keepCheckpoints newest checkpoints kept
 * @param threads PyTorch intra-op threads, 0 default
 */
public record RlArgs(double learningRate, long maxSteps, int batchSize, long seed, int maxNewTokens,
    double temperature, int topK, double topP, double beta, OptionalDouble targetKl,
    OptionalDouble missingEosPenalty, double warmupRatio, ScheduleKind schedule, double maxGradNorm, int logEvery,
    int saveEvery, int keepCheckpoints, int threads) {
  public RlArgs {
    checkArgument(learningRate > 0 && Double.isFinite(learningRate), "learning-rate must be finite and > 0, got %s",
        learningRate);
    checkArgument(maxSteps >= 1, "max-steps (RL iterations) must be >= 1, got %s", maxSteps);
    checkArgument(batchSize >= 1, "batch-size (prompts per iteration) must be >= 1, got %s", batchSize);
    checkArgument(maxNewTokens >= 1, "max-new-tokens must be >= 1, got %s", maxNewTokens);
    checkArgument(temperature > 0 && Double.isFinite(temperature),
        "temperature must be > 0 for RL (the scores use the sampling distribution), got %s", temperature);
    checkArgument(beta >= 0 && Double.isFinite(beta), "beta must be finite and >= 0, got %s", beta);
    checkNotNull(targetKl, "targetKl");
    checkNotNull(missingEosPenalty, "missingEosPenalty");
    checkArgument(warmupRatio >= 0 && warmupRatio < 1, "warmup-ratio must be in [0, 1), got %s", warmupRatio);
    checkNotNull(schedule, "schedule");
    checkArgument(maxGradNorm >= 0, "max-grad-norm must be >= 0, got %s", maxGradNorm);
    checkArgument(logEvery >= 1, "logging-steps must be >= 1, got %s", logEvery);
    checkArgument(saveEvery >= 0, "save-steps must be >= 0, got %s", saveEvery);
    checkArgument(keepCheckpoints >= 1, "save-total-limit must be >= 1, got %s", keepCheckpoints);
    checkArgument(threads >= 0, "threads must be >= 0, got %s", threads);
  }

  /** How completions are sampled. */
  public SamplingParams sampling() {
    return new SamplingParams(temperature, topK, topP, maxNewTokens, SamplingParams.EosHandling.STOP);
  }

  /** β as configured: fixed, or adaptive over a horizon of 10,000 samples. */
  @Internal
  public KlCoefficient klCoefficient() {
    return targetKl.isPresent() ? KlCoefficient.adaptive(beta, targetKl.getAsDouble(), 10_000)
        : KlCoefficient.fixed(beta);
  }

  /** The optimizer for {@code updates} optimizer steps. */
  public OptimizerConfig optimizer(long updates) {
    return new OptimizerConfig(learningRate, 0.9, 0.999, 1e-8, 0.0, maxGradNorm,
        schedule.schedule(Math.round(warmupRatio * updates), updates));
  }

  /** The values under the command line's names, for {@code config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("learning-rate", learningRate);
    m.put("max-steps", maxSteps);
    m.put("batch-size", batchSize);
    m.put("seed", seed);
    m.put("max-new-tokens", maxNewTokens);
    m.put("temperature", temperature);
    m.put("top-k", topK);
    m.put("top-p", topP);
    m.put("beta", beta);
    m.put("target-kl", targetKl.isPresent() ? targetKl.getAsDouble() : null);
    m.put("missing-eos-penalty", missingEosPenalty.isPresent() ? missingEosPenalty.getAsDouble() : null);
    m.put("warmup-ratio", warmupRatio);
    m.put("lr-scheduler-type", schedule.name().toLowerCase(Locale.ROOT));
    m.put("max-grad-norm", maxGradNorm);
    m.put("logging-steps", logEvery);
    m.put("save-steps", saveEvery);
    m.put("save-total-limit", keepCheckpoints);
    m.put("threads", threads);
    return m;
  }

  /**
   * The shared setters of the PPO and GRPO config builders. Each stage's builder sets TRL's values for its
   * learning rate, batch, temperature, completion length and β; the rest are TRL's {@code TrainingArguments}.
   *
   * @param <B> the concrete builder, returned by each setter
   */
  public abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {
    private double learningRate;
    private long maxSteps = 100;
    private int batchSize;
    private long seed = 42;
    private int maxNewTokens;
    private double temperature;
    private int topK;
    private double topP = 1.0;
    private double beta;
    private OptionalDouble targetKl = OptionalDouble.empty();
    private OptionalDouble missingEosPenalty = OptionalDouble.empty();
    private double warmupRatio;
    private ScheduleKind schedule = ScheduleKind.LINEAR;
    private double maxGradNorm = 1.0;
    private int logEvery = 10;
    private int saveEvery = 500;
    private int keepCheckpoints = 2;
    private int threads;

    /** A builder with a stage's own defaults for the fields TRL sets per trainer. */
    protected AbstractBuilder(double learningRate, int batchSize, int maxNewTokens, double temperature,
        double beta) {
      this.learningRate = learningRate;
      this.batchSize = batchSize;
      this.maxNewTokens = maxNewTokens;
      this.temperature = temperature;
      this.beta = beta;
    }

    /** This builder, typed. */
    protected abstract B self();

    /** Peak learning rate (PPO 3e-6, GRPO 1e-6, TRL's {@code learning_rate}). */
    public B learningRate(double v) {
      this.learningRate = v;
      return self();
    }

    /** RL iterations (sample, score, update); default 100 (align4j's: TRL derives it from epochs and data). */
    public B maxSteps(long v) {
      this.maxSteps = v;
      return self();
    }

    /** Prompts per iteration (PPO 8, TRL's batch; GRPO 1, TRL's 8 completions of one prompt). */
    public B batchSize(int v) {
      this.batchSize = v;
      return self();
    }

    /** Fixes prompt order, sampling and initialisation; default 42. */
    public B seed(long v) {
      this.seed = v;
      return self();
    }

    /** Completion budget in tokens (PPO 53, {@code response_length}; GRPO 256, {@code max_completion_length}). */
    public B maxNewTokens(int v) {
      this.maxNewTokens = v;
      return self();
    }

    /** Sampling temperature, also used when scoring (PPO 0.7, GRPO 1.0). */
    public B temperature(double v) {
      this.temperature = v;
      return self();
    }

    /** Top-k filter, 0 off; default 0. */
    public B topK(int v) {
      this.topK = v;
      return self();
    }

    /** Nucleus filter, 1 off; default 1.0. */
    public B topP(double v) {
      this.topP = v;
      return self();
    }

    /** KL coefficient β (PPO 0.05, {@code kl_coef}; GRPO 0.0, {@code beta}: 0 loads no reference). */
    public B beta(double v) {
      this.beta = v;
      return self();
    }

    /** Adapt β toward this KL per sequence (Ziegler et al.'s controller); default fixed β. */
    public B targetKl(double v) {
      this.targetKl = OptionalDouble.of(v);
      return self();
    }

    /** Subtracted from the score of completions without EOS; default none ({@code missing_eos_penalty}). */
    public B missingEosPenalty(double v) {
      this.missingEosPenalty = OptionalDouble.of(v);
      return self();
    }

    /** Share of updates warming the learning rate up; default 0. */
    public B warmupRatio(double v) {
      this.warmupRatio = v;
      return self();
    }

    /** Learning-rate decay; default linear ({@code lr_scheduler_type}). */
    public B schedule(ScheduleKind v) {
      this.schedule = v;
      return self();
    }

    /** Global-norm clip, 0 off; default 1.0. */
    public B maxGradNorm(double v) {
      this.maxGradNorm = v;
      return self();
    }

    /** Metrics every this many iterations; default 10 ({@code logging_steps}). */
    public B logEvery(int v) {
      this.logEvery = v;
      return self();
    }

    /** Checkpoint every this many iterations (with a run folder), 0 only at the end; default 500. */
    public B saveEvery(int v) {
      this.saveEvery = v;
      return self();
    }

    /** Newest checkpoints kept; default 2. */
    public B keepCheckpoints(int v) {
      this.keepCheckpoints = v;
      return self();
    }

    /** PyTorch intra-op threads, 0 the engine's default; default 0. */
    public B threads(int v) {
      this.threads = v;
      return self();
    }

    /** Copies every field of {@code a}. */
    public B rl(RlArgs a) {
      learningRate = a.learningRate();
      maxSteps = a.maxSteps();
      batchSize = a.batchSize();
      seed = a.seed();
      maxNewTokens = a.maxNewTokens();
      temperature = a.temperature();
      topK = a.topK();
      topP = a.topP();
      beta = a.beta();
      targetKl = a.targetKl();
      missingEosPenalty = a.missingEosPenalty();
      warmupRatio = a.warmupRatio();
      schedule = a.schedule();
      maxGradNorm = a.maxGradNorm();
      logEvery = a.logEvery();
      saveEvery = a.saveEvery();
      keepCheckpoints = a.keepCheckpoints();
      threads = a.threads();
      return self();
    }

    /** The shared options as set so far, validated. */
    protected RlArgs rlArgs() {
      return new RlArgs(learningRate, maxSteps, batchSize, seed, maxNewTokens, temperature, topK, topP, beta,
          targetKl, missingEosPenalty, warmupRatio, schedule, maxGradNorm, logEvery, saveEvery, keepCheckpoints,
          threads);
    }
  }
}
