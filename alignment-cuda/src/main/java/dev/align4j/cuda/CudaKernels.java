package dev.align4j.cuda;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;

/**
 * The CUDA kernels over data already on the GPU: the ops of {@link dev.align4j.api.kernel.KernelProvider} with
 * {@link DeviceTensor}s in place of arrays, for callers that keep rollouts on the device between steps.
 *
 * <p>Work is queued on the default stream and may still run when a method returns; the next copy to the host waits
 * for it and reports its errors. Shapes and tensor sizes are checked (a tensor may be larger than needed); the values
 * are not, since they are on the device: masks must hold 0/1 and, where an op says so, be right-padded prefixes, as
 * {@link CudaKernelProvider} checks on the host before it uploads. Semantics, op by op: the conformance README and
 * {@link dev.align4j.api.kernel.KernelProvider}.
 */
public final class CudaKernels {
  private final Backend backend;

  CudaKernels(Backend backend) {
    this.backend = backend;
  }

  /**
   * The kernels on this JVM's GPU.
   *
   * @throws IllegalStateException if CUDA is not usable here ({@link CudaKernelProvider#status()} says why)
   */
  public static CudaKernels onDevice() {
    DeviceTensor.requireReady(Backend.DEVICE);
    return new CudaKernels(Backend.DEVICE);
  }

  /**
   * Token log-probs and entropy of each {@code [vocab]} row in one pass (ops {@code token_logprobs} and
   * {@code entropy}); either output may be null.
   *
   * @param tokens {@code [rows]} INT32, needed with {@code logprobsOut}; an id outside {@code [0, vocab)} gives NaN
   */
  public void tokenLogprobsAndEntropy(DeviceTensor logits, DeviceTensor tokens, int rows, int vocab,
      float temperature, DeviceTensor logprobsOut, DeviceTensor entropyOut) {
    checkRows(rows, vocab);
    checkArgument(temperature > 0 && Float.isFinite(temperature),
        "temperature must be finite and > 0, got %s", temperature);
    checkFloats("logits", logits, (long) rows * vocab);
    if (logprobsOut != null) {
      checkInts("tokens", tokens, rows);
      checkFloats("logprobsOut", logprobsOut, rows);
    }
    if (entropyOut != null) {
      checkFloats("entropyOut", entropyOut, rows);
    }
    check(NativeCuda.tokenLogprobsEntropy(backend.code(), logits.address(),
        logprobsOut != null ? tokens.address() : 0, rows, vocab, 1f / temperature, addressOf(logprobsOut),
        addressOf(entropyOut)), "token_logprobs/entropy kernel");
  }

  /** Exact KL(softmax(logits) ‖ softmax(refLogits)) per {@code [vocab]} row, one pass over both: op {@code full_kl}. */
  public void fullKl(DeviceTensor logits, DeviceTensor refLogits, int rows, int vocab, DeviceTensor out) {
    checkRows(rows, vocab);
    checkFloats("logits", logits, (long) rows * vocab);
    checkFloats("refLogits", refLogits, (long) rows * vocab);
    checkFloats("out", out, rows);
    check(NativeCuda.fullKl(backend.code(), logits.address(), refLogits.address(), rows, vocab, out.address()),
        "full_kl kernel");
  }

  /** Per-token KL estimates, 0 where {@code mask} (optional) is 0: op {@code kl_per_token}. */
  public void klPerToken(DeviceTensor logprobs, DeviceTensor refLogprobs, DeviceTensor mask, long n,
      KlEstimator estimator, DeviceTensor out) {
    checkArgument(n >= 0, "n must be >= 0, got %s", n);
    checkNotNull(estimator, "estimator");
    checkFloats("logprobs", logprobs, n);
    checkFloats("refLogprobs", refLogprobs, n);
    if (mask != null) {
      checkFloats("mask", mask, n);
    }
    checkFloats("out", out, n);
    check(NativeCuda.klPerToken(backend.code(), logprobs.address(), refLogprobs.address(), addressOf(mask), n,
        code(estimator), out.address()), "kl_per_token kernel");
  }

  /**
   * PPO's KL-penalised per-token rewards: op {@code kl_penalized_rewards}. {@code containEos} is needed with a
   * missing-EOS penalty; {@code klOut} and {@code scoreIndexOut} (INT32) may be null.
   */
  public void klPenalizedRewards(KlPenalty params, DeviceTensor scores, DeviceTensor logprobs,
      DeviceTensor refLogprobs, DeviceTensor mask, DeviceTensor containEos, int batch, int time,
      DeviceTensor rewardsOut, DeviceTensor klOut, DeviceTensor scoreIndexOut) {
    checkNotNull(params, "params");
    checkRows(batch, time);
    long n = (long) batch * time;
    checkFloats("scores", scores, batch);
    checkFloats("logprobs", logprobs, n);
    checkFloats("refLogprobs", refLogprobs, n);
    checkFloats("mask", mask, n);
    boolean penalty = params.missingEosPenalty().isPresent();
    if (penalty) {
      checkFloats("containEos (required with a missing-EOS penalty)", containEos, batch);
    }
    checkFloats("rewardsOut", rewardsOut, n);
    if (klOut != null) {
      checkFloats("klOut", klOut, n);
    }
    if (scoreIndexOut != null) {
      checkInts("scoreIndexOut", scoreIndexOut, batch);
    }
    check(NativeCuda.klPenalizedRewards(backend.code(), scores.address(), logprobs.address(),
        refLogprobs.address(), mask.address(), penalty ? containEos.address() : 0, batch, time, params.klCoef(),
        code(params.estimator()), code(params.placement()), penalty ? 1 : 0,
        params.missingEosPenalty().orElse(0), rewardsOut.address(), addressOf(klOut), addressOf(scoreIndexOut)),
        "kl_penalized_rewards kernels");
  }

  /** GAE with whitened advantages: op {@code gae}. {@code rawAdvantagesOut} and {@code returnsOut} may be null. */
  public void gae(GaeParams params, DeviceTensor rewards, DeviceTensor values, DeviceTensor mask, int batch,
      int time, DeviceTensor advantagesOut, DeviceTensor rawAdvantagesOut, DeviceTensor returnsOut) {
    checkNotNull(params, "params");
    checkRows(batch, time);
    long n = (long) batch * time;
    checkFloats("rewards", rewards, n);
    checkFloats("values", values, n);
    checkFloats("mask", mask, n);
    checkFloats("advantagesOut", advantagesOut, n);
    if (rawAdvantagesOut != null) {
      checkFloats("rawAdvantagesOut", rawAdvantagesOut, n);
    }
    if (returnsOut != null) {
      checkFloats("returnsOut", returnsOut, n);
    }
    // γλ is rounded in double here exactly as AdvantageKernels#gae rounds it.
    double gammaLambda = params.gamma() * params.lambda();
    check(NativeCuda.gae(backend.code(), rewards.address(), values.address(), mask.address(), batch, time,
        params.gamma(), gammaLambda, params.rewardWhitening() == GaeParams.RewardWhitening.WHITEN ? 1 : 0,
        code(params.placement()), advantagesOut.address(), addressOf(rawAdvantagesOut), addressOf(returnsOut)),
        "gae kernels");
  }

  /** Batch-global whitening over the mask's ones (at least 2): op {@code whiten}. */
  public void whiten(DeviceTensor values, DeviceTensor mask, long n, Whitening whitening, DeviceTensor out) {
    checkArgument(n >= 0, "n must be >= 0, got %s", n);
    checkNotNull(whitening, "whitening");
    checkFloats("values", values, n);
    checkFloats("mask", mask, n);
    checkFloats("out", out, n);
    check(NativeCuda.whiten(backend.code(), values.address(), mask.address(), n,
        whitening == Whitening.KEEP_MEAN ? 1 : 0, out.address()), "whiten kernels");
  }

  /**
   * GRPO group advantages for one reward function, {@code rewards} {@code [count]}; the weights and the aggregation
   * of {@code params} do not apply: op {@code grpo_advantages} with {@code rewards}.
   */
  public void groupAdvantages(GroupAdvantageParams params, DeviceTensor rewards, int count, DeviceTensor out) {
    checkNotNull(params, "params");
    checkGroups(params, count);
    checkFloats("rewards", rewards, count);
    checkFloats("out", out, count);
    check(NativeCuda.groupAdvantages(backend.code(), rewards.address(), count, 1, params.groupSize(),
        code(params.scaling()), code(MultiRewardAggregation.SUM_THEN_NORMALIZE), 0, out.address()),
        "grpo_advantages kernels");
  }

  /**
   * GRPO group advantages for several reward functions, {@code rewardsPerFunc} {@code [count][functions]}, weighted
   * and combined as {@code params} says: op {@code grpo_advantages} with {@code rewards_per_func}.
   */
  public void groupAdvantages(GroupAdvantageParams params, DeviceTensor rewardsPerFunc, int count, int functions,
      DeviceTensor out) {
    checkNotNull(params, "params");
    checkGroups(params, count);
    checkArgument(functions >= 1, "functions must be >= 1, got %s", functions);
    checkFloats("rewardsPerFunc", rewardsPerFunc, (long) count * functions);
    checkFloats("out", out, count);
    float[] weights = params.weights();
    checkArgument(weights.length == 0 || weights.length == functions,
        "weights must have one entry per reward function (%s), got %s", functions, weights.length);
    // Freeing the weights right after the launch is safe: the free is ordered after the kernels on the same stream.
    try (DeviceTensor w = weights.length > 0 ? DeviceTensor.upload(backend, weights) : null) {
      check(NativeCuda.groupAdvantages(backend.code(), rewardsPerFunc.address(), count, functions,
          params.groupSize(), code(params.scaling()), code(params.aggregation()), w != null ? w.address() : 0,
          out.address()), "grpo_advantages kernels");
    }
  }

  /** Waits for every queued kernel and reports the first asynchronous error. */
  public void synchronize() {
    check(NativeCuda.synchronize(backend.code()), "cudaDeviceSynchronize");
  }

  private static void check(int rc, String what) {
    CudaException.check(rc, what);
  }

  private static void checkGroups(GroupAdvantageParams params, int count) {
    checkArgument(count > 0 && count % params.groupSize() == 0,
        "count must be a positive multiple of groupSize %s (every group complete, none empty), got %s",
        params.groupSize(), count);
  }

  private static long addressOf(DeviceTensor t) {
    return t == null ? 0 : t.address();
  }

  private static void checkRows(int rows, int cols) {
    checkArgument(rows >= 0, "rows must be >= 0, got %s", rows);
    checkArgument(cols >= 1, "the row length must be >= 1, got %s", cols);
  }

  private void checkFloats(String name, DeviceTensor t, long needed) {
    checkTensor(name, t, DeviceTensor.DType.FLOAT32, needed);
  }

  private void checkInts(String name, DeviceTensor t, long needed) {
    checkTensor(name, t, DeviceTensor.DType.INT32, needed);
  }

  private void checkTensor(String name, DeviceTensor t, DeviceTensor.DType dtype, long needed) {
    checkNotNull(t, "%s must not be null", name);
    checkArgument(t.backend() == backend, "%s lives on %s, these kernels on %s", name, t.backend(), backend);
    checkArgument(t.dtype() == dtype, "%s must hold %s, got %s", name, dtype, t.dtype());
    checkArgument(t.elements() >= needed, "%s must hold at least %s elements, got %s", name, needed, t.elements());
  }

  static int code(KlEstimator e) {
    return switch (e) {
      case K1 -> 0;
      case K2 -> 1;
      case K3 -> 2;
    };
  }

  static int code(ScorePlacement p) {
    return switch (p) {
      case LAST_RESPONSE_TOKEN -> 0;
      case AFTER_RESPONSE_TRL -> 1;
    };
  }

  static int code(RewardScaling s) {
    return switch (s) {
      case GROUP -> 0;
      case BATCH -> 1;
      case NONE -> 2;
    };
  }

  static int code(MultiRewardAggregation a) {
    return switch (a) {
      case SUM_THEN_NORMALIZE -> 0;
      case NORMALIZE_THEN_SUM -> 1;
    };
  }
}
