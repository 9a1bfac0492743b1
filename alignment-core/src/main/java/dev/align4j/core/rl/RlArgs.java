package dev.align4j.core.rl;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.SamplingParams;
import dev.align4j.core.train.OptimizerConfig;
import dev.align4j.core.train.ScheduleKind;
import java.util.OptionalDouble;

/**
 * The options PPO and GRPO share.
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
    checkArgument(logEvery >= 1 && saveEvery >= 0 && keepCheckpoints >= 1,
        "logging-steps >= 1, save-steps >= 0 and save-total-limit >= 1 required");
    checkArgument(threads >= 0, "threads must be >= 0, got %s", threads);
  }

  /** How completions are sampled. */
  public SamplingParams sampling() {
    return new SamplingParams(temperature, topK, topP, maxNewTokens, SamplingParams.EosHandling.STOP);
  }

  /** β as configured: fixed, or adaptive over a horizon of 10,000 samples. */
  public KlCoefficient klCoefficient() {
    return targetKl.isPresent() ? KlCoefficient.adaptive(beta, targetKl.getAsDouble(), 10_000)
        : KlCoefficient.fixed(beta);
  }

  /** The optimizer for {@code updates} optimizer steps. */
  public OptimizerConfig optimizer(long updates) {
    return new OptimizerConfig(learningRate, 0.9, 0.999, 1e-8, 0.0, maxGradNorm,
        schedule.schedule(Math.round(warmupRatio * updates), updates));
  }
}
