package dev.align4j.cuda;

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
 * The kernels on an NVIDIA GPU, found through {@code META-INF/services}: name {@value #NAME}, priority
 * {@value #PRIORITY} (above the CPU provider's 0), so {@link dev.align4j.api.kernel.KernelProviders#best()} picks it
 * whenever a device is usable, and the CPU provider otherwise. {@code -Dalign4j.kernels=cpu} or
 * {@code -Dalign4j.cuda.disabled=true} keep it off.
 *
 * <p>Each call checks its arguments on the host with the same {@link dev.align4j.api.kernel.KernelArgs} checks, in
 * the same order and with the same messages as the CPU provider (so a caller's mistake reads the same with or without
 * a GPU), then copies the inputs to the device, runs the kernels and copies the outputs back. Data that already lives
 * on the GPU goes through {@link CudaKernels} instead, without the copies.
 */
public final class CudaKernelProvider implements KernelProvider {
  /** The provider's name, for {@code -Dalign4j.kernels=cuda}. */
  public static final String NAME = "cuda";
  /** Above the CPU provider's 0. */
  public static final int PRIORITY = 100;

  private final Backend backend;
  private final CudaKernels kernels;

  /** The GPU provider ({@link java.util.ServiceLoader} calls this; it loads nothing until first asked). */
  public CudaKernelProvider() {
    this(Backend.DEVICE);
  }

  private CudaKernelProvider(Backend backend) {
    this.backend = backend;
    this.kernels = new CudaKernels(backend);
  }

  /** The same kernels replayed on the host ({@code host_emulation.cu}); for tests without a GPU. */
  static CudaKernelProvider hostEmulation() {
    return new CudaKernelProvider(Backend.HOST_EMULATION);
  }

  /** Whether CUDA is usable in this JVM, and why not; probing and logging happen once, on first use. */
  public static CudaStatus status() {
    return CudaLibrary.status();
  }

  @Override
  public String name() {
    return backend == Backend.DEVICE ? NAME : NAME + "-host-emulation";
  }

  @Override
  public boolean isUsable() {
    CudaStatus s = CudaLibrary.status();
    return backend == Backend.DEVICE ? s.usable() : s.libraryLoaded();
  }

  @Override
  public int priority() {
    return backend == Backend.DEVICE ? PRIORITY : -1;
  }

  @Override
  public void tokenLogprobs(float[] logits, int[] tokens, int rows, int vocab, float temperature, float[] out) {
    checkShape("rows", rows, "vocab", vocab);
    checkLength("logits", logits, (long) rows * vocab, "[rows][vocab]");
    checkLength("tokens", tokens, rows, "[rows]");
    checkLength("out", out, rows, "[rows]");
    checkTemperature(temperature);
    checkTokens(tokens, vocab);
    DeviceTensor.requireReady(backend);
    try (DeviceTensor x = upload(logits); DeviceTensor tok = DeviceTensor.upload(backend, tokens);
        DeviceTensor o = floats(rows)) {
      kernels.tokenLogprobsAndEntropy(x, tok, rows, vocab, temperature, o, null);
      o.copyTo(out);
    }
  }

  @Override
  public void entropy(float[] logits, int rows, int vocab, float temperature, float[] out) {
    checkShape("rows", rows, "vocab", vocab);
    checkLength("logits", logits, (long) rows * vocab, "[rows][vocab]");
    checkLength("out", out, rows, "[rows]");
    checkTemperature(temperature);
    DeviceTensor.requireReady(backend);
    try (DeviceTensor x = upload(logits); DeviceTensor o = floats(rows)) {
      kernels.tokenLogprobsAndEntropy(x, null, rows, vocab, temperature, null, o);
      o.copyTo(out);
    }
  }

  @Override
  public void fullKl(float[] logits, float[] refLogits, int rows, int vocab, float[] out) {
    checkShape("rows", rows, "vocab", vocab);
    checkLength("logits", logits, (long) rows * vocab, "[rows][vocab]");
    checkLength("refLogits", refLogits, (long) rows * vocab, "[rows][vocab]");
    checkLength("out", out, rows, "[rows]");
    DeviceTensor.requireReady(backend);
    try (DeviceTensor x = upload(logits); DeviceTensor y = upload(refLogits); DeviceTensor o = floats(rows)) {
      kernels.fullKl(x, y, rows, vocab, o);
      o.copyTo(out);
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
    DeviceTensor.requireReady(backend);
    try (DeviceTensor lp = upload(logprobs); DeviceTensor ref = upload(refLogprobs);
        DeviceTensor m = mask != null ? upload(mask) : null; DeviceTensor o = floats(n)) {
      kernels.klPerToken(lp, ref, m, n, estimator, o);
      o.copyTo(out);
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
    boolean penalty = params.missingEosPenalty().isPresent();
    if (penalty) {
      checkLength("containEos (required with a missing-EOS penalty)", containEos, batch, "[batch]");
      checkMask("containEos", containEos);
    }
    int[] lengths = new int[batch];
    checkPrefixMask("mask", mask, batch, time, lengths);
    if (params.placement() == ScorePlacement.LAST_RESPONSE_TOKEN) {
      for (int b = 0; b < batch; b++) {
        if (lengths[b] == 0) { // the CPU kernel's message (AdvantageKernels#scoreIndex)
          throw new IllegalArgumentException(String.format(
              "mask row %d is empty: with ScorePlacement.LAST_RESPONSE_TOKEN every row needs at least one response"
                  + " token to carry its score (drop empty completions or use AFTER_RESPONSE_TRL)", b));
        }
      }
    }
    DeviceTensor.requireReady(backend);
    try (DeviceTensor s = upload(scores); DeviceTensor lp = upload(logprobs); DeviceTensor ref = upload(refLogprobs);
        DeviceTensor m = upload(mask); DeviceTensor eos = penalty ? upload(containEos) : null;
        DeviceTensor rewards = floats(n); DeviceTensor kl = klOut != null ? floats(n) : null;
        DeviceTensor index = scoreIndexOut != null
            ? DeviceTensor.allocate(backend, DeviceTensor.DType.INT32, batch) : null) {
      kernels.klPenalizedRewards(params, s, lp, ref, m, eos, batch, time, rewards, kl, index);
      rewards.copyTo(rewardsOut);
      if (kl != null) {
        kl.copyTo(klOut);
      }
      if (index != null) {
        index.copyTo(scoreIndexOut, 0, batch);
      }
    }
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
    float[] vm = valueMask(params.placement(), mask, lengths, batch, time);
    for (int i = 0; i < n; i++) {
      if (vm[i] == 1f && !Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            String.format("values must be finite on the value mask, got %s at index %d", values[i], i));
      }
    }
    if (params.rewardWhitening() == GaeParams.RewardWhitening.WHITEN) {
      checkArgument(checkMask("value mask", vm) >= 2,
          "whitening rewards needs at least 2 positions on the value mask");
    }
    DeviceTensor.requireReady(backend);
    try (DeviceTensor r = upload(rewards); DeviceTensor v = upload(values); DeviceTensor m = upload(mask);
        DeviceTensor adv = floats(n); DeviceTensor raw = rawAdvantagesOut != null ? floats(n) : null;
        DeviceTensor ret = returnsOut != null ? floats(n) : null) {
      kernels.gae(params, r, v, m, batch, time, adv, raw, ret);
      adv.copyTo(advantagesOut);
      if (raw != null) {
        raw.copyTo(rawAdvantagesOut);
      }
      if (ret != null) {
        ret.copyTo(returnsOut);
      }
    }
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
    DeviceTensor.requireReady(backend);
    try (DeviceTensor v = upload(values); DeviceTensor m = upload(mask); DeviceTensor o = floats(n)) {
      kernels.whiten(v, m, n, whitening, o);
      o.copyTo(out);
    }
  }

  @Override
  public void groupAdvantages(GroupAdvantageParams params, float[] rewards, int count, float[] out) {
    checkNotNull(params, "params");
    checkGroups(params, count);
    checkLength("rewards", rewards, count, "[count]");
    checkLength("out", out, count, "[count]");
    checkFinite("rewards", rewards);
    DeviceTensor.requireReady(backend);
    try (DeviceTensor r = upload(rewards); DeviceTensor o = floats(count)) {
      kernels.groupAdvantages(params, r, count, o);
      o.copyTo(out);
    }
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
    DeviceTensor.requireReady(backend);
    try (DeviceTensor r = upload(rewardsPerFunc); DeviceTensor o = floats(count)) {
      kernels.groupAdvantages(params, r, count, functions, o);
      o.copyTo(out);
    }
  }

  private static void checkGroups(GroupAdvantageParams params, int count) {
    checkArgument(count > 0 && count % params.groupSize() == 0,
        "count must be a positive multiple of groupSize %s (every group complete, none empty), got %s",
        params.groupSize(), count);
  }

  /** The value mask, as AdvantageKernels#valueMask builds it: the mask, or with TRL parity {@code t ≤ L_b}. */
  private static float[] valueMask(ScorePlacement placement, float[] mask, int[] lengths, int batch, int time) {
    if (placement == ScorePlacement.LAST_RESPONSE_TOKEN) {
      return mask;
    }
    float[] vm = new float[batch * time];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        vm[b * time + t] = t <= lengths[b] ? 1f : 0f;
      }
    }
    return vm;
  }

  private DeviceTensor upload(float[] values) {
    return DeviceTensor.upload(backend, values);
  }

  private DeviceTensor floats(long n) {
    return DeviceTensor.allocate(backend, DeviceTensor.DType.FLOAT32, n);
  }
}
