package dev.align4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
 * Log-probability of each sampled token, {@code [B·T]} from {@code [B·T][V]} logits and {@code [B·T]} token ids.
 *
 * <p>Floor: the logits read once ({@link #bytes}) and one exponential per logit ({@link #exps}). {@link #naive} is
 * {@code log_softmax(x)[token]} written out (three passes over the row, {@code Math.exp}, a temporary per row);
 * {@link #djlPyTorch} is {@code log_softmax} and {@code gather} through DJL's PyTorch ops (one intra-op thread),
 * inputs already in native tensors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC",
    "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class TokenLogprobsBenchmark {
  /** B x T x V. */
  @Param({"4x256x32000", "8x128x50257"})
  public String size;

  private int rows;
  private int vocab;
  private float[] logits;
  private int[] tokens;
  private float[] out;
  private CpuKernelProvider scalar;
  private CpuKernelProvider vector;
  private CpuKernelProvider allCores;
  private NDManager manager;
  private NDArray logitsNd;
  private NDArray tokensNd;

  @Setup(Level.Trial)
  public void setUp() {
    int[] d = RandomInputs.dims(size);
    rows = d[0] * d[1];
    vocab = d[2];
    logits = RandomInputs.logits(rows, vocab, 1);
    tokens = RandomInputs.tokens(rows, vocab, 3);
    out = new float[rows];
    scalar = new CpuKernelProvider().with(CpuKernelPath.SCALAR).withThreads(1);
    vector = new CpuKernelProvider().with(CpuKernelPath.VECTOR_API).withThreads(1);
    allCores = vector.withThreads(Runtime.getRuntime().availableProcessors());
    manager = DjlSetup.newManager();
    logitsNd = manager.create(logits, new Shape(rows, vocab));
    long[] ids = new long[rows];
    for (int r = 0; r < rows; r++) {
      ids[r] = tokens[r];
    }
    tokensNd = manager.create(ids, new Shape(rows, 1));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  /** Bytes a call must move at {@code size}: the logits and the token ids in, one float per row out. */
  static long bytes(String size) {
    int[] d = RandomInputs.dims(size);
    long rows = (long) d[0] * d[1];
    return 4 * (rows * d[2] + 2 * rows);
  }

  /** exp/log evaluations a call needs: one exponential per logit, one log per row. */
  static long exps(String size) {
    int[] d = RandomInputs.dims(size);
    long rows = (long) d[0] * d[1];
    return rows * d[2] + rows;
  }

  @Benchmark
  public float[] naive() {
    for (int r = 0; r < rows; r++) {
      out[r] = (float) Textbook.logSoftmax(logits, r * vocab, vocab, 1)[tokens[r]];
    }
    return out;
  }

  @Benchmark
  public float[] scalar() {
    scalar.tokenLogprobs(logits, tokens, rows, vocab, 1f, out);
    return out;
  }

  @Benchmark
  public float[] vectorApi() {
    vector.tokenLogprobs(logits, tokens, rows, vocab, 1f, out);
    return out;
  }

  /** The Vector API path with rows split across every core (not part of the 1-thread acceptance figures). */
  @Benchmark
  public float[] vectorApiAllCores() {
    allCores.tokenLogprobs(logits, tokens, rows, vocab, 1f, out);
    return out;
  }

  @Benchmark
  public float[] djlPyTorch() {
    try (NDManager call = manager.newSubManager()) {
      logitsNd.tempAttach(call);
      tokensNd.tempAttach(call);
      return logitsNd.logSoftmax(-1).gather(tokensNd, 1).toFloatArray();
    }
  }
}
// How to run: benchmarks/run.sh TokenLogprobs   (or see benchmarks/README.md)
