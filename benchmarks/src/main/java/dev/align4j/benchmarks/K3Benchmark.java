package dev.align4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.core.kernel.CpuKernelPath;
import dev.align4j.core.kernel.CpuKernelProvider;
import dev.align4j.core.runtime.DjlSetup;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The k3 KL estimator per token, {@code e^d − d − 1} with {@code d = ref_logprob − logprob}, masked (GRPO's KL term,
 * PPO's per-token penalty).
 *
 * <p>Floor: log-probs, reference log-probs and mask read once, the estimates written once ({@link #bytes}); one
 * exponential per token ({@link #exps}). {@link #naive} is the loop with {@code Math.exp} in double;
 * {@link #djlPyTorch} is {@code (exp(d) − d − 1)·mask} through DJL's PyTorch ops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC",
    "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class K3Benchmark {
  /** Tokens: 1M and 16M. */
  @Param({"1048576", "16777216"})
  public String size;

  private int n;
  private float[] logprobs;
  private float[] refLogprobs;
  private float[] mask;
  private float[] out;
  private CpuKernelProvider scalar;
  private CpuKernelProvider vector;
  private CpuKernelProvider allCores;
  private NDManager manager;
  private NDArray logprobsNd;
  private NDArray refLogprobsNd;
  private NDArray maskNd;

  @Setup(Level.Trial)
  public void setUp() {
    n = Integer.parseInt(size);
    logprobs = RandomInputs.gaussian(n, -2, 1, 4);
    refLogprobs = RandomInputs.gaussian(n, 0, 0.3, 5);
    for (int i = 0; i < n; i++) {
      logprobs[i] = -Math.abs(logprobs[i]);
      refLogprobs[i] += logprobs[i];
    }
    mask = RandomInputs.prefixMask(n / 1024, 1024, 6);
    out = new float[n];
    scalar = new CpuKernelProvider().with(CpuKernelPath.SCALAR).withThreads(1);
    vector = new CpuKernelProvider().with(CpuKernelPath.VECTOR_API).withThreads(1);
    allCores = vector.withThreads(Runtime.getRuntime().availableProcessors());
    manager = DjlSetup.newManager();
    logprobsNd = manager.create(logprobs);
    refLogprobsNd = manager.create(refLogprobs);
    maskNd = manager.create(mask);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  /** Bytes a call must move: three float inputs, one float output per token. */
  static long bytes(String size) {
    return 16L * Long.parseLong(size);
  }

  /** One exponential per token. */
  static long exps(String size) {
    return Long.parseLong(size);
  }

  @Benchmark
  public float[] naive() {
    for (int i = 0; i < n; i++) {
      double d = (double) refLogprobs[i] - logprobs[i];
      out[i] = mask[i] == 0f ? 0f : (float) (Math.exp(d) - d - 1);
    }
    return out;
  }

  @Benchmark
  public float[] scalar() {
    scalar.klPerToken(logprobs, refLogprobs, mask, n, KlEstimator.K3, out);
    return out;
  }

  @Benchmark
  public float[] vectorApi() {
    vector.klPerToken(logprobs, refLogprobs, mask, n, KlEstimator.K3, out);
    return out;
  }

  /** The Vector API path split across every core (not part of the 1-thread acceptance figures). */
  @Benchmark
  public float[] vectorApiAllCores() {
    allCores.klPerToken(logprobs, refLogprobs, mask, n, KlEstimator.K3, out);
    return out;
  }

  @Benchmark
  public float[] djlPyTorch() {
    try (NDManager call = manager.newSubManager()) {
      logprobsNd.tempAttach(call);
      refLogprobsNd.tempAttach(call);
      maskNd.tempAttach(call);
      NDArray d = refLogprobsNd.sub(logprobsNd);
      return d.exp().sub(d).sub(1).mul(maskNd).toFloatArray();
    }
  }
}
// How to run: benchmarks/run.sh K3   (or see benchmarks/README.md)
