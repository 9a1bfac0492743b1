package dev.align4j.core.kernel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.align4j.api.kernel.KernelArgs.checkFinite;
import static dev.align4j.api.kernel.KernelArgs.checkLength;
import static dev.align4j.api.kernel.KernelArgs.checkMask;
import static dev.align4j.api.kernel.KernelArgs.checkOptionalLength;
import static dev.align4j.api.kernel.KernelArgs.checkPrefixMask;
import static dev.align4j.api.kernel.KernelArgs.checkShape;
import static dev.align4j.api.kernel.KernelArgs.checkTemperature;
import static dev.align4j.api.kernel.KernelArgs.checkTokens;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;

/**
 * The pure-Java kernel provider: always usable, priority 0. Validates arguments, then runs the scalar kernels of
 * {@link SoftmaxRows} and {@link AdvantageKernels}.
 */
public final class CpuKernelProvider implements KernelProvider {

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public void tokenLogprobs(float[] logits, int[] tokens, int rows, int vocab, float temperature, float[] out) {
    checkShape("rows", rows, "vocab", vocab);
    checkLength("logits", logits, (long) rows * vocab, "[rows][vocab]");
    checkLength("tokens", tokens, rows, "[rows]");
    checkLength("out", out, rows, "[rows]");
    checkTemperature(temperature);
    checkTokens(tokens, vocab);
    float inv = 1f / temperature;
    for (int r = 0; r < rows; r++) {
      out[r] = SoftmaxRows.tokenLogprob(logits, r * vocab, vocab, tokens[r], inv);
    }
  }

  @Override
  public void entropy(float[] logits, int rows, int vocab, float temperature, float[] out) {
    checkShape("rows", rows, "vocab", vocab);
    checkLength("logits", logits, (long) rows * vocab, "[rows][vocab]");
    checkLength("out", out, rows, "[rows]");
    checkTemperature(temperature);
    float inv = 1f / temperature;
    for (int r = 0; r < rows; r++) {
      out[r] = SoftmaxRows.entropy(logits, r * vocab, vocab, inv);
    }
  }

  @Override
  public void fullKl(float[] logits, float[] refLogits, int rows, int vocab, float[] out) {
    checkShape("rows", rows, "vocab", vocab);
    checkLength("logits", logits, (long) rows * vocab, "[rows][vocab]");
    checkLength("refLogits", refLogits, (long) rows * vocab, "[rows][vocab]");
    checkLength("out", out, rows, "[rows]");
    for (int r = 0; r < rows; r++) {
      out[r] = SoftmaxRows.fullKl(logits, refLogits, r * vocab, vocab);
    }
  }

  @Override
  public void klPerToken(float[] logprobs, float[] refLogprobs, float[] mask, int n, KlEstimator estimator,
      float[] out) {
    checkArgument(n >= 0, "n must be >= 0, got %s", n);
    checkLength("logprobs", logprobs, n, "[n]");
    checkLength("refLogprobs", refLogprobs, n, "[n]");
    checkOptionalLength("mask", mask, n, "[n]");
    checkLength("out", out, n, "[n]");
    checkNotNull(estimator, "estimator");
    if (mask != null) {
      checkMask("mask", mask);
    }
    for (int i = 0; i < n; i++) {
      out[i] = mask != null && mask[i] == 0f ? 0f : (float) estimator.apply(logprobs[i], refLogprobs[i]);
    }
  }

  @Override
  public void klPenalizedRewards(KlPenalty params, float[] scores, float[] logprobs, float[] refLogprobs,
      float[] mask, float[] containEos, int batch, int time, float[] rewardsOut, float[] klOut,
      int[] scoreIndexOut) {
    checkNotNull(params, "params");
    checkShape("batch", batch, "time", time);
    long n = (long) batch * time;
    checkLength("scores", scores, batch, "[batch]");
    checkLength("logprobs", logprobs, n, "[batch][time]");
    checkLength("refLogprobs", refLogprobs, n, "[batch][time]");
    checkLength("mask", mask, n, "[batch][time]");
    checkLength("rewardsOut", rewardsOut, n, "[batch][time]");
    checkOptionalLength("klOut", klOut, n, "[batch][time]");
    checkOptionalLength("scoreIndexOut", scoreIndexOut, batch, "[batch]");
    checkFinite("scores", scores);
    if (params.missingEosPenalty().isPresent()) {
      checkLength("containEos (required with a missing-EOS penalty)", containEos, batch, "[batch]");
      checkMask("containEos", containEos);
    }
    int[] lengths = new int[batch];
    checkPrefixMask("mask", mask, batch, time, lengths);
    AdvantageKernels.klPenalizedRewards(params, scores, logprobs, refLogprobs, lengths, containEos, batch, time,
        rewardsOut, klOut, scoreIndexOut);
  }

  @Override
  public void gae(GaeParams params, float[] rewards, float[] values, float[] mask, int batch, int time,
      float[] advantagesOut, float[] rawAdvantagesOut, float[] returnsOut) {
    checkNotNull(params, "params");
    checkShape("batch", batch, "time", time);
    long n = (long) batch * time;
    checkLength("rewards", rewards, n, "[batch][time]");
    checkLength("values", values, n, "[batch][time]");
    checkLength("mask", mask, n, "[batch][time]");
    checkLength("advantagesOut", advantagesOut, n, "[batch][time]");
    checkOptionalLength("rawAdvantagesOut", rawAdvantagesOut, n, "[batch][time]");
    checkOptionalLength("returnsOut", returnsOut, n, "[batch][time]");
    checkFinite("rewards", rewards);
    int[] lengths = new int[batch];
    int ones;
    if (params.placement() == ScorePlacement.AFTER_RESPONSE_TRL) {
      checkPrefixMask("mask", mask, batch, time, lengths);
      ones = 0;
      for (int len : lengths) {
        ones += len;
      }
    } else {
      ones = checkMask("mask", mask);
    }
    checkArgument(ones >= 2,
        "mask must have at least 2 valid positions in the batch to whiten advantages, got %s", ones);
    float[] vm = new float[(int) n];
    AdvantageKernels.valueMask(params.placement(), mask, lengths, batch, time, vm);
    for (int i = 0; i < n; i++) {
      if (vm[i] == 1f && !Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            String.format("values must be finite on the value mask, got %s at index %d", values[i], i));
      }
    }
    float[] raw = rawAdvantagesOut != null ? rawAdvantagesOut : new float[(int) n];
    float[] work = params.rewardWhitening() == GaeParams.RewardWhitening.WHITEN ? new float[(int) n] : null;
    if (work != null) {
      checkArgument(checkMask("value mask", vm) >= 2,
          "whitening rewards needs at least 2 positions on the value mask");
    }
    AdvantageKernels.gae(params, rewards, values, mask, vm, batch, time, work, advantagesOut, raw, returnsOut);
  }

  @Override
  public void whiten(float[] values, float[] mask, int n, Whitening whitening, float[] out) {
    checkArgument(n >= 0, "n must be >= 0, got %s", n);
    checkLength("values", values, n, "[n]");
    checkLength("mask", mask, n, "[n]");
    checkLength("out", out, n, "[n]");
    checkNotNull(whitening, "whitening");
    int ones = checkMask("mask", mask);
    checkArgument(ones >= 2,
        "mask must have at least 2 ones to estimate an unbiased variance, got %s", ones);
    for (int i = 0; i < n; i++) {
      if (mask[i] == 1f && !Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            String.format("values must be finite where the mask is 1, got %s at index %d", values[i], i));
      }
    }
    AdvantageKernels.whiten(values, mask, n, whitening, out);
  }

  @Override
  public void groupAdvantages(GroupAdvantageParams params, float[] rewards, int count, float[] out) {
    checkNotNull(params, "params");
    checkGroups(params, count);
    checkLength("rewards", rewards, count, "[count]");
    checkLength("out", out, count, "[count]");
    checkFinite("rewards", rewards);
    AdvantageKernels.groupAdvantages(params, rewards, count, out);
  }

  @Override
  public void groupAdvantages(GroupAdvantageParams params, float[] rewardsPerFunc, int count, int functions,
      float[] out) {
    checkNotNull(params, "params");
    checkGroups(params, count);
    checkShape("count", count, "functions", functions);
    checkLength("rewardsPerFunc", rewardsPerFunc, (long) count * functions, "[count][functions]");
    checkLength("out", out, count, "[count]");
    checkArgument(params.weights().length == 0 || params.weights().length == functions,
        "weights must have one entry per reward function (%s), got %s", functions, params.weights().length);
    checkFinite("rewardsPerFunc", rewardsPerFunc);
    AdvantageKernels.groupAdvantages(params, rewardsPerFunc, count, functions, new float[count], out);
  }

  private static void checkGroups(GroupAdvantageParams params, int count) {
    checkArgument(count > 0 && count % params.groupSize() == 0,
        "count must be a positive multiple of groupSize %s (every group complete, none empty), got %s",
        params.groupSize(), count);
  }
}
