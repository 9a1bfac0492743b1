package dev.align4j.cuda;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Runs every CUDA kernel against the CPU provider on random inputs at realistic sizes and times it: prints a Markdown
 * table of kernel, shape, the largest |GPU − CPU| with the conformance tolerance verdict, the GPU time (median of CUDA
 * event timings after warm-up, data already on the device), the bytes it must move per second and that rate as a
 * share of the device's measured copy bandwidth, the time through {@link CudaKernelProvider} with the copies from and
 * to Java arrays, and the CPU provider's time.
 *
 * <p>Needs only the kernel jars (alignment-api, alignment-core for the CPU provider, alignment-cuda and their small
 * dependencies) and a Java runtime; see {@code alignment-cuda/gpu-check.sh}. Exit status 0 when every kernel agrees
 * with the CPU, 1 when one does not, 2 for bad usage or a missing CPU provider, 3 when CUDA is not usable.
 *
 * <pre>java -cp 'lib/*' dev.align4j.cuda.GpuCheck [--small] [--reps=N] [--emulate]</pre>
 *
 * {@code --small} uses tiny shapes; {@code --emulate} runs the host emulation instead of the GPU (wall-clock times,
 * for testing this program without a GPU).
 */
public final class GpuCheck {
  private static final long SEED = 20_260_101L;
  /** Element counts above which the CPU reference runs once, without a warm-up run. */
  private static final long LARGE = 50_000_000L;

  /** Shapes of one run. */
  record Sizes(int[][] softmaxShapes, int batch, int time, int groups, int groupSize, int functions, int copyFloats) {}

  static final Sizes FULL = new Sizes(new int[][] {{1024, 32000}, {8192, 50257}}, 4096, 1024, 16384, 64, 3,
      1 << 28);
  static final Sizes SMALL = new Sizes(new int[][] {{8, 1000}, {16, 5003}}, 32, 100, 64, 16, 3, 1 << 20);

  /** One line of the table. */
  record Row(String kernel, String shape, double maxAbsDiff, boolean ok, double gpuMs, double bytes,
      double endToEndMs, double cpuMs) {

    double gigabytesPerSecond() {
      return bytes / (gpuMs * 1e6);
    }
  }

  private final Backend backend;
  private final KernelProvider cpu;
  private final CudaKernelProvider gpu;
  private final CudaKernels kernels;
  private final Sizes sizes;
  private final int reps;
  private final PrintStream out;
  private final List<Row> rows = new ArrayList<>();

  private GpuCheck(Backend backend, KernelProvider cpu, Sizes sizes, int reps, PrintStream out) {
    this.backend = backend;
    this.cpu = cpu;
    this.gpu = backend == Backend.DEVICE ? new CudaKernelProvider() : CudaKernelProvider.hostEmulation();
    this.kernels = new CudaKernels(backend);
    this.sizes = sizes;
    this.reps = reps;
    this.out = out;
  }

  /** Runs the check on {@code System.out} and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the check; returns the exit status. */
  static int run(String[] args, PrintStream out) {
    boolean emulate = false;
    Sizes sizes = FULL;
    int reps = 20;
    for (String a : args) {
      if (a.equals("--emulate")) {
        emulate = true;
      } else if (a.equals("--small")) {
        sizes = SMALL;
      } else if (a.startsWith("--reps=") && a.substring(7).matches("[1-9][0-9]{0,3}")) {
        reps = Integer.parseInt(a.substring(7));
      } else {
        out.println("usage: GpuCheck [--small] [--reps=N] [--emulate]; unknown argument: " + a);
        return 2;
      }
    }
    CudaStatus status = CudaKernelProvider.status();
    out.println(status.logLine());
    Backend backend = emulate ? Backend.HOST_EMULATION : Backend.DEVICE;
    if (emulate ? !status.libraryLoaded() : !status.usable()) {
      out.println("gpu-check: CUDA is not usable here, nothing to check");
      return 3;
    }
    KernelProvider cpu = KernelProviders.all().stream().filter(p -> p.name().equals("cpu")).findFirst().orElse(null);
    if (cpu == null) {
      out.println("gpu-check: no CPU provider on the class path; add the alignment-core jar");
      return 2;
    }
    return new GpuCheck(backend, cpu, sizes, reps, out).runAll();
  }

  private int runAll() {
    out.printf(Locale.ROOT, "gpu-check %s: %s, %d timed runs after 3 warm-ups, Java %s%n", LocalDate.now(),
        backend == Backend.DEVICE ? "GPU" : "host emulation (wall-clock times, not GPU figures)", reps,
        Runtime.version());
    double copyGbs = copyBandwidth();
    out.printf(Locale.ROOT, "device-to-device copy: %.1f GB/s (bytes read + written)%n", copyGbs);
    for (int[] shape : sizes.softmaxShapes()) {
      softmaxRows(shape[0], shape[1]);
    }
    perToken(sizes.batch(), sizes.time());
    groups(sizes.groups(), sizes.groupSize(), sizes.functions());
    out.println();
    out.println("| kernel | shape | max abs diff | ok | GPU ms | GB/s | % of copy | end-to-end ms | CPU ms |");
    out.println("|---|---|---|---|---|---|---|---|---|");
    boolean allOk = true;
    for (Row r : rows) {
      out.printf(Locale.ROOT, "| %s | %s | %.2e | %s | %.3f | %.0f | %.0f%% | %s | %.1f |%n", r.kernel(), r.shape(),
          r.maxAbsDiff(), r.ok() ? "yes" : "NO", r.gpuMs(), r.gigabytesPerSecond(),
          100 * r.gigabytesPerSecond() / copyGbs,
          Double.isNaN(r.endToEndMs()) ? "-" : String.format(Locale.ROOT, "%.1f", r.endToEndMs()), r.cpuMs());
      allOk &= r.ok();
    }
    rows.stream().filter(r -> r.kernel().equals("full_kl")).reduce((a, b) -> b).ifPresent(r -> out.printf(Locale.ROOT,
        "acceptance: full_kl %s at %.0f%% of the copy bandwidth (target 60%%): %s%n", r.shape(),
        100 * r.gigabytesPerSecond() / copyGbs, r.gigabytesPerSecond() >= 0.6 * copyGbs ? "met" : "NOT met"));
    out.println(allOk ? "gpu-check: every kernel agrees with the CPU provider" : "gpu-check: some kernels DISAGREE");
    return allOk ? 0 : 1;
  }

  private double copyBandwidth() {
    long n = sizes.copyFloats();
    try (DeviceTensor a = DeviceTensor.allocate(backend, DeviceTensor.DType.FLOAT32, n);
        DeviceTensor b = DeviceTensor.allocate(backend, DeviceTensor.DType.FLOAT32, n);
        KernelTimer timer = KernelTimer.forBackend(backend)) {
      double ms = timer.medianMillis(3, reps, () -> CudaException.check(
          NativeCuda.copyWithin(backend.code(), b.address(), a.address(), n * 4), "cudaMemcpy device to device"));
      return 2.0 * n * 4 / (ms * 1e6);
    }
  }

  // ------------------------------------------------------------------------------------------------ the cases

  private void softmaxRows(int r, int v) {
    String shape = r + "x" + v;
    long n = (long) r * v;
    float[] logits = gaussian(Math.toIntExact(n), SEED + v, 3.0);
    float[] ref = perturbed(logits, SEED + v + 1, 0.3);
    int[] tokens = new SplittableRandom(SEED + 2).ints(r, 0, v).toArray();
    float[] lpCpu = new float[r];
    float[] lpGpu = new float[r];
    float[] entCpu = new float[r];
    float[] entGpu = new float[r];
    float[] klCpu = new float[r];
    float[] klGpu = new float[r];
    double lpCpuMs = cpuMillis(n, () -> cpu.tokenLogprobs(logits, tokens, r, v, 1f, lpCpu));
    double entCpuMs = cpuMillis(n, () -> cpu.entropy(logits, r, v, 1f, entCpu));
    double klCpuMs = cpuMillis(2 * n, () -> cpu.fullKl(logits, ref, r, v, klCpu));
    double lpE2e = endToEnd(() -> gpu.tokenLogprobs(logits, tokens, r, v, 1f, lpGpu));
    double entE2e = endToEnd(() -> gpu.entropy(logits, r, v, 1f, entGpu));
    double klE2e = endToEnd(() -> gpu.fullKl(logits, ref, r, v, klGpu));
    try (DeviceTensor x = DeviceTensor.upload(backend, logits); DeviceTensor y = DeviceTensor.upload(backend, ref);
        DeviceTensor tok = DeviceTensor.upload(backend, tokens); DeviceTensor o1 = floats(r);
        DeviceTensor o2 = floats(r); KernelTimer timer = KernelTimer.forBackend(backend)) {
      double rowBytes = 4.0 * n + 8.0 * r;
      add("token_logprobs", shape, compare(lpCpu, lpGpu, 1e-5, 1e-6),
          timer.medianMillis(3, reps, () -> kernels.tokenLogprobsAndEntropy(x, tok, r, v, 1f, o1, null)), rowBytes,
          lpE2e, lpCpuMs);
      add("entropy", shape, compare(entCpu, entGpu, 1e-5, 1e-5),
          timer.medianMillis(3, reps, () -> kernels.tokenLogprobsAndEntropy(x, null, r, v, 1f, null, o2)),
          4.0 * n + 4.0 * r, entE2e, entCpuMs);
      // The fused pass: both outputs from one read of the logits.
      double fusedMs = timer.medianMillis(3, reps, () -> kernels.tokenLogprobsAndEntropy(x, tok, r, v, 1f, o1, o2));
      float[] lpFused = new float[r];
      float[] entFused = new float[r];
      o1.copyTo(lpFused);
      o2.copyTo(entFused);
      Diff fused = compare(lpCpu, lpFused, 1e-5, 1e-6).and(compare(entCpu, entFused, 1e-5, 1e-5));
      add("token_logprobs+entropy (one pass)", shape, fused, fusedMs, 4.0 * n + 12.0 * r, Double.NaN,
          lpCpuMs + entCpuMs);
      add("full_kl", shape, compare(klCpu, klGpu, 1e-5, 1e-5),
          timer.medianMillis(3, reps, () -> kernels.fullKl(x, y, r, v, o1)), 8.0 * n + 4.0 * r, klE2e, klCpuMs);
    }
  }

  private void perToken(int b, int t) {
    String shape = b + "x" + t;
    int n = b * t;
    SplittableRandom random = new SplittableRandom(SEED + 3);
    float[] lp = new float[n];
    float[] ref = new float[n];
    float[] values = gaussian(n, SEED + 4, 1.0);
    float[] mask = new float[n];
    for (int row = 0; row < b; row++) {
      int len = 1 + random.nextInt(t);
      for (int i = 0; i < t; i++) {
        lp[row * t + i] = (float) (-3 * random.nextDouble());
        ref[row * t + i] = lp[row * t + i] + (float) (0.2 * random.nextGaussian());
        mask[row * t + i] = i < len ? 1f : 0f;
      }
    }
    float[] scores = gaussian(b, SEED + 5, 1.0);
    double elementwiseBytes = 16.0 * n;

    float[] kCpu = new float[n];
    float[] kGpu = new float[n];
    double kCpuMs = cpuMillis(n, () -> cpu.klPerToken(lp, ref, mask, n, KlEstimator.K3, kCpu));
    double kE2e = endToEnd(() -> gpu.klPerToken(lp, ref, mask, n, KlEstimator.K3, kGpu));

    KlPenalty penalty = KlPenalty.of(0.05, KlEstimator.K1);
    float[] rCpu = new float[n];
    float[] rGpu = new float[n];
    float[] klOutCpu = new float[n];
    float[] klOutGpu = new float[n];
    int[] idxCpu = new int[b];
    int[] idxGpu = new int[b];
    double rCpuMs = cpuMillis(n, () -> cpu.klPenalizedRewards(penalty, scores, lp, ref, mask, null, b, t, rCpu,
        klOutCpu, idxCpu));
    double rE2e = endToEnd(() -> gpu.klPenalizedRewards(penalty, scores, lp, ref, mask, null, b, t, rGpu, klOutGpu,
        idxGpu));
    Diff rDiff = compare(rCpu, rGpu, 1e-5, 1e-6).and(compare(klOutCpu, klOutGpu, 1e-5, 1e-6))
        .and(compareExact(idxCpu, idxGpu));

    GaeParams plain = GaeParams.of(1.0, 0.95);
    GaeParams trl = plain.with(ScorePlacement.AFTER_RESPONSE_TRL).with(GaeParams.RewardWhitening.WHITEN);
    float[][] gaeCpu = {new float[n], new float[n], new float[n]};
    float[][] gaeGpu = {new float[n], new float[n], new float[n]};
    float[][] trlCpu = {new float[n], new float[n], new float[n]};
    float[][] trlGpu = {new float[n], new float[n], new float[n]};
    double gCpuMs = cpuMillis(n, () -> cpu.gae(plain, rCpu, values, mask, b, t, gaeCpu[0], gaeCpu[1], gaeCpu[2]));
    double gE2e = endToEnd(() -> gpu.gae(plain, rCpu, values, mask, b, t, gaeGpu[0], gaeGpu[1], gaeGpu[2]));
    double tCpuMs = cpuMillis(n, () -> cpu.gae(trl, rCpu, values, mask, b, t, trlCpu[0], trlCpu[1], trlCpu[2]));
    double tE2e = endToEnd(() -> gpu.gae(trl, rCpu, values, mask, b, t, trlGpu[0], trlGpu[1], trlGpu[2]));

    float[] wCpu = new float[n];
    float[] wGpu = new float[n];
    double wCpuMs = cpuMillis(n, () -> cpu.whiten(values, mask, n, Whitening.CENTER, wCpu));
    double wE2e = endToEnd(() -> gpu.whiten(values, mask, n, Whitening.CENTER, wGpu));

    try (DeviceTensor dLp = DeviceTensor.upload(backend, lp); DeviceTensor dRef = DeviceTensor.upload(backend, ref);
        DeviceTensor dMask = DeviceTensor.upload(backend, mask);
        DeviceTensor dValues = DeviceTensor.upload(backend, values);
        DeviceTensor dRewards = DeviceTensor.upload(backend, rCpu);
        DeviceTensor dScores = DeviceTensor.upload(backend, scores); DeviceTensor o1 = floats(n);
        DeviceTensor o2 = floats(n); DeviceTensor o3 = floats(n);
        DeviceTensor idx = DeviceTensor.allocate(backend, DeviceTensor.DType.INT32, b);
        KernelTimer timer = KernelTimer.forBackend(backend)) {
      add("kl_per_token k3", shape, compare(kCpu, kGpu, 1e-5, 1e-6),
          timer.medianMillis(3, reps, () -> kernels.klPerToken(dLp, dRef, dMask, n, KlEstimator.K3, o1)),
          elementwiseBytes, kE2e, kCpuMs);
      add("kl_penalized_rewards k1", shape, rDiff, timer.medianMillis(3, reps, () -> kernels.klPenalizedRewards(
          penalty, dScores, dLp, dRef, dMask, null, b, t, o1, o2, idx)), 20.0 * n + 8.0 * b, rE2e, rCpuMs);
      add("gae", shape, compareAll(gaeCpu, gaeGpu), timer.medianMillis(3, reps, () -> kernels.gae(plain, dRewards,
          dValues, dMask, b, t, o1, o2, o3)), 24.0 * n, gE2e, gCpuMs);
      add("gae (TRL placement, whitened rewards)", shape, compareAll(trlCpu, trlGpu), timer.medianMillis(3, reps,
          () -> kernels.gae(trl, dRewards, dValues, dMask, b, t, o1, o2, o3)), 24.0 * n, tE2e, tCpuMs);
      add("whiten", shape, compare(wCpu, wGpu, 1e-5, 1e-6), timer.medianMillis(3, reps,
          () -> kernels.whiten(dValues, dMask, n, Whitening.CENTER, o1)), 12.0 * n, wE2e, wCpuMs);
    }
  }

  private void groups(int groups, int size, int functions) {
    int count = groups * size;
    String shape = groups + "x" + size;
    float[] rewards = gaussian(count, SEED + 6, 1.0);
    float[] perFunc = gaussian(count * functions, SEED + 7, 1.0);
    try (DeviceTensor dRewards = DeviceTensor.upload(backend, rewards);
        DeviceTensor dPerFunc = DeviceTensor.upload(backend, perFunc); DeviceTensor o = floats(count);
        KernelTimer timer = KernelTimer.forBackend(backend)) {
      for (RewardScaling scaling : RewardScaling.values()) {
        GroupAdvantageParams p = GroupAdvantageParams.of(size, scaling);
        float[] aCpu = new float[count];
        float[] aGpu = new float[count];
        double cpuMs = cpuMillis(count, () -> cpu.groupAdvantages(p, rewards, count, aCpu));
        double e2e = endToEnd(() -> gpu.groupAdvantages(p, rewards, count, aGpu));
        add("grpo_advantages " + scaling.name().toLowerCase(Locale.ROOT), shape, compare(aCpu, aGpu, 1e-5, 1e-6),
            timer.medianMillis(3, reps, () -> kernels.groupAdvantages(p, dRewards, count, o)), 8.0 * count, e2e,
            cpuMs);
      }
      GroupAdvantageParams p = new GroupAdvantageParams(size, RewardScaling.GROUP,
          MultiRewardAggregation.NORMALIZE_THEN_SUM, new float[0]);
      float[] aCpu = new float[count];
      float[] aGpu = new float[count];
      double cpuMs = cpuMillis(count, () -> cpu.groupAdvantages(p, perFunc, count, functions, aCpu));
      double e2e = endToEnd(() -> gpu.groupAdvantages(p, perFunc, count, functions, aGpu));
      add("grpo_advantages normalize_then_sum", shape + "x" + functions, compare(aCpu, aGpu, 1e-5, 1e-6),
          timer.medianMillis(3, reps, () -> kernels.groupAdvantages(p, dPerFunc, count, functions, o)),
          4.0 * count * (functions + 1), e2e, cpuMs);
    }
  }

  // ------------------------------------------------------------------------------------------------- helpers

  /** The largest |GPU − CPU| and whether every element passes {@code |Δ| ≤ atol + rtol·|cpu|} (NaN fails). */
  record Diff(double maxAbs, boolean ok) {
    Diff and(Diff other) {
      return new Diff(Math.max(maxAbs, other.maxAbs), ok && other.ok);
    }
  }

  static Diff compare(float[] expected, float[] actual, double rtol, double atol) {
    double max = 0;
    boolean ok = true;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) actual[i] - expected[i]);
      if (!(d <= atol + rtol * Math.abs(expected[i]))) {
        ok = false;
      }
      max = Double.isNaN(d) || d > max ? d : max;
    }
    return new Diff(max, ok);
  }

  private static Diff compareExact(int[] expected, int[] actual) {
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
    }
    return new Diff(max, max == 0);
  }

  private static Diff compareAll(float[][] expected, float[][] actual) {
    Diff d = new Diff(0, true);
    for (int k = 0; k < expected.length; k++) {
      d = d.and(compare(expected[k], actual[k], 1e-5, 1e-6));
    }
    return d;
  }

  private void add(String kernel, String shape, Diff diff, double gpuMs, double bytes, double e2e, double cpuMs) {
    rows.add(new Row(kernel, shape, diff.maxAbs(), diff.ok(), gpuMs, bytes, e2e, cpuMs));
    out.printf(Locale.ROOT, "  %-40s %-14s max|Δ| %.2e %s%n", kernel, shape, diff.maxAbs(), diff.ok() ? "ok" : "FAIL");
  }

  private DeviceTensor floats(long n) {
    return DeviceTensor.allocate(backend, DeviceTensor.DType.FLOAT32, n);
  }

  /** One timed CPU run, after a warm-up run unless the input is large. */
  private static double cpuMillis(long elements, Runnable work) {
    if (elements <= LARGE) {
      work.run();
    }
    long t0 = System.nanoTime();
    work.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Through the provider, copies included: a first run (whose output is compared), then one timed run. */
  private static double endToEnd(Runnable work) {
    work.run();
    long t0 = System.nanoTime();
    work.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Gaussian floats, filled in parallel from per-chunk seeds (reproducible for a given seed). */
  static float[] gaussian(int n, long seed, double scale) {
    float[] a = new float[n];
    int chunk = 1 << 20;
    IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + c);
      for (int i = c * chunk, end = Math.min(n, i + chunk); i < end; i++) {
        a[i] = (float) (scale * r.nextGaussian());
      }
    });
    return a;
  }

  /** {@code base} plus Gaussian noise: reference logits near the policy's. */
  private static float[] perturbed(float[] base, long seed, double scale) {
    float[] noise = gaussian(base.length, seed, scale);
    IntStream.range(0, base.length).parallel().forEach(i -> noise[i] += base[i]);
    return noise;
  }
}
