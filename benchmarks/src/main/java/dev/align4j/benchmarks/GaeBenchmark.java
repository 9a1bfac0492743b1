package dev.align4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.kernel.GaeParams;
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
 * Generalised advantage estimation with whitened advantages and returns, {@code [B][T]} (PPO, γ = 1, λ = 0.95, the
 * score on the last response token).
 *
 * <p>Floor: rewards, values and mask read once, advantages and returns written once ({@link #bytes}); no
 * exponentials. {@link #naive} is TRL's loop ported as it reads (over time, then over the batch, with temporaries);
 * {@link #djlPyTorch} is TRL's loop in DJL's PyTorch ops: one set of column operations per time step, then
 * whitening.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC",
    "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class GaeBenchmark {
  private static final double GAMMA = 1.0;
  private static final double LAMBDA = 0.95;

  /** B x T. */
  @Param({"64x1024", "512x2048"})
  public String size;

  private int batch;
  private int time;
  private float[] rewards;
  private float[] values;
  private float[] mask;
  private float[] advantages;
  private float[] returns;
  private final GaeParams params = GaeParams.of(GAMMA, LAMBDA);
  private CpuKernelProvider scalar;
  private CpuKernelProvider vector;
  private NDManager manager;
  private NDArray rewardsNd;
  private NDArray valuesNd;
  private NDArray maskNd;

  @Setup(Level.Trial)
  public void setUp() {
    int[] d = RandomInputs.dims(size);
    batch = d[0];
    time = d[1];
    int n = batch * time;
    mask = RandomInputs.prefixMask(batch, time, 7);
    rewards = RandomInputs.gaussian(n, 0, 0.1, 8);
    values = RandomInputs.gaussian(n, 0, 1, 9);
    for (int i = 0; i < n; i++) {
      rewards[i] *= mask[i];
    }
    advantages = new float[n];
    returns = new float[n];
    scalar = new CpuKernelProvider().with(CpuKernelPath.SCALAR).withThreads(1);
    vector = new CpuKernelProvider().with(CpuKernelPath.VECTOR_API).withThreads(1);
    manager = DjlSetup.newManager();
    rewardsNd = manager.create(rewards, new Shape(batch, time));
    valuesNd = manager.create(values, new Shape(batch, time));
    maskNd = manager.create(mask, new Shape(batch, time));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  /** Bytes a call must move: three float inputs and two float outputs per position. */
  static long bytes(String size) {
    int[] d = RandomInputs.dims(size);
    return 20L * d[0] * d[1];
  }

  /** No exponentials. */
  static long exps(String size) {
    return 0;
  }

  @Benchmark
  public float[] naive() {
    int n = batch * time;
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = values[i] * mask[i];
    }
    double[] last = new double[batch];
    double[] adv = new double[n];
    for (int t = time - 1; t >= 0; t--) {
      for (int b = 0; b < batch; b++) {
        double next = t < time - 1 ? v[b * time + t + 1] : 0.0;
        double delta = rewards[b * time + t] + GAMMA * next - v[b * time + t];
        last[b] = delta + GAMMA * LAMBDA * last[b];
        adv[b * time + t] = last[b];
      }
    }
    double sum = 0;
    double count = 0;
    for (int i = 0; i < n; i++) {
      sum += adv[i] * mask[i];
      count += mask[i];
      returns[i] = (float) (adv[i] + v[i]);
    }
    double mean = sum / count;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      sq += (adv[i] - mean) * (adv[i] - mean) * mask[i];
    }
    double inv = 1 / Math.sqrt(sq / (count - 1) + 1e-8);
    for (int i = 0; i < n; i++) {
      advantages[i] = (float) ((adv[i] - mean) * inv * mask[i]);
    }
    return advantages;
  }

  @Benchmark
  public float[] scalar() {
    scalar.gae(params, rewards, values, mask, batch, time, advantages, null, returns);
    return advantages;
  }

  @Benchmark
  public float[] vectorApi() {
    vector.gae(params, rewards, values, mask, batch, time, advantages, null, returns);
    return advantages;
  }

  @Benchmark
  public float[] djlPyTorch() {
    try (NDManager call = manager.newSubManager()) {
      rewardsNd.tempAttach(call);
      valuesNd.tempAttach(call);
      maskNd.tempAttach(call);
      NDArray v = valuesNd.mul(maskNd);
      NDArray last = call.zeros(new Shape(batch));
      NDList reversed = new NDList(time);
      for (int t = time - 1; t >= 0; t--) {
        NDIndex column = new NDIndex(":, {}", t);
        NDArray next = t < time - 1 ? v.get(new NDIndex(":, {}", t + 1)) : call.zeros(new Shape(batch));
        NDArray delta = rewardsNd.get(column).add(next.mul(GAMMA)).sub(v.get(column));
        last = delta.add(last.mul(GAMMA * LAMBDA));
        reversed.add(last);
      }
      java.util.Collections.reverse(reversed);
      NDArray adv = NDArrays.stack(reversed, 1);
      NDArray ret = adv.add(v);
      NDArray count = maskNd.sum();
      NDArray mean = adv.mul(maskNd).sum().div(count);
      NDArray centred = adv.sub(mean);
      NDArray var = centred.pow(2).mul(maskNd).sum().div(count.sub(1));
      NDArray whitened = centred.div(var.add(1e-8).sqrt()).mul(maskNd);
      float[] r = ret.toFloatArray();
      System.arraycopy(r, 0, returns, 0, r.length);
      return whitened.toFloatArray();
    }
  }
}
// How to run: benchmarks/run.sh Gae   (or see benchmarks/README.md)
