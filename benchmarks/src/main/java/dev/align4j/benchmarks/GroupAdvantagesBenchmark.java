package dev.align4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.RewardScaling;
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
 * GRPO's group-relative advantages: each reward minus its group's mean, over the group's standard deviation plus
 * 1e-4 (TRL's {@code scale_rewards="group"}).
 *
 * <p>Floor: the rewards read once, the advantages written once ({@link #bytes}); no exponentials. {@link #naive}
 * computes per-group means and deviations into temporaries, then the advantages; {@link #djlPyTorch} reshapes to
 * {@code [N][G]} and uses {@code mean}, {@code sum} and {@code sqrt} through DJL's PyTorch ops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC",
    "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class GroupAdvantagesBenchmark {
  /** Rewards x group size. */
  @Param({"1048576x8", "1048576x16"})
  public String size;

  private int count;
  private int groupSize;
  private float[] rewards;
  private float[] out;
  private GroupAdvantageParams params;
  private CpuKernelProvider scalar;
  private CpuKernelProvider vector;
  private NDManager manager;
  private NDArray rewardsNd;

  @Setup(Level.Trial)
  public void setUp() {
    int[] d = RandomInputs.dims(size);
    count = d[0];
    groupSize = d[1];
    rewards = RandomInputs.gaussian(count, 0.5, 1, 10);
    out = new float[count];
    params = GroupAdvantageParams.of(groupSize, RewardScaling.GROUP);
    scalar = new CpuKernelProvider().with(CpuKernelPath.SCALAR).withThreads(1);
    vector = new CpuKernelProvider().with(CpuKernelPath.VECTOR_API).withThreads(1);
    manager = DjlSetup.newManager();
    rewardsNd = manager.create(rewards, new Shape(count / groupSize, groupSize));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  /** Bytes a call must move: one float in and one out per reward. */
  static long bytes(String size) {
    return 8L * RandomInputs.dims(size)[0];
  }

  /** No exponentials. */
  static long exps(String size) {
    return 0;
  }

  @Benchmark
  public float[] naive() {
    int groups = count / groupSize;
    double[] means = new double[groups];
    double[] stds = new double[groups];
    for (int g = 0; g < groups; g++) {
      double s = 0;
      for (int i = 0; i < groupSize; i++) {
        s += rewards[g * groupSize + i];
      }
      means[g] = s / groupSize;
      double sq = 0;
      for (int i = 0; i < groupSize; i++) {
        double dev = rewards[g * groupSize + i] - means[g];
        sq += dev * dev;
      }
      stds[g] = Math.sqrt(sq / (groupSize - 1));
    }
    for (int i = 0; i < count; i++) {
      int g = i / groupSize;
      out[i] = (float) ((rewards[i] - means[g]) / (stds[g] + 1e-4));
    }
    return out;
  }

  @Benchmark
  public float[] scalar() {
    scalar.groupAdvantages(params, rewards, count, out);
    return out;
  }

  @Benchmark
  public float[] vectorApi() {
    vector.groupAdvantages(params, rewards, count, out);
    return out;
  }

  @Benchmark
  public float[] djlPyTorch() {
    try (NDManager call = manager.newSubManager()) {
      rewardsNd.tempAttach(call);
      NDArray centred = rewardsNd.sub(rewardsNd.mean(new int[] {1}, true));
      NDArray std = centred.pow(2).sum(new int[] {1}, true).div(groupSize - 1).sqrt();
      return centred.div(std.add(1e-4)).toFloatArray();
    }
  }
}
// How to run: benchmarks/run.sh GroupAdvantages   (or see benchmarks/README.md)
