package dev.align4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two machine limits the kernels are measured against, in the same run: how fast one core streams memory and
 * how fast it evaluates a vectorised {@code expf}. A kernel's floor is
 * {@code max(bytes / bandwidth, exps / exp rate)}; {@code ResultsTable} divides it by the kernel's time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC"})
public class Probes {
  /** 256 MiB of floats, eight times the last-level cache: every pass comes from memory. */
  static final int STREAM_FLOATS = 64 << 20;
  /** 16 KiB of arguments: stays in L1, so only the exponential limits the probe. */
  static final int EXP_ARGS = 4096;

  private float[] stream;
  private float[] expArgs;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(3);
    stream = new float[STREAM_FLOATS];
    for (int i = 0; i < stream.length; i++) {
      stream[i] = (float) rnd.nextDouble();
    }
    expArgs = new float[EXP_ARGS];
    for (int i = 0; i < expArgs.length; i++) {
      expArgs[i] = (float) (-20 * rnd.nextDouble()); // the range softmax terms e^{x−max} live in
    }
  }

  /** Bytes one {@link #memoryBandwidth} call reads. */
  static long streamBytes() {
    return 4L * STREAM_FLOATS;
  }

  /** Exponentials one {@link #expRate} call evaluates. */
  static long expCount() {
    return EXP_ARGS;
  }

  /** Sums 256 MiB of floats with four vector accumulators: only the loads limit it (see {@link VectorExpProbe}). */
  @Benchmark
  public float memoryBandwidth() {
    return VectorExpProbe.sum(stream);
  }

  /** {@code Σ e^x} over an L1-resident buffer with a vectorised expf (see {@link VectorExpProbe}). */
  @Benchmark
  public float expRate() {
    return VectorExpProbe.sumExp(expArgs);
  }
}
// How to run: benchmarks/run.sh Probes   (or see benchmarks/README.md)
