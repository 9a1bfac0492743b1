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
 * Exact full-vocabulary KL(π ‖ π_ref) per position, {@code [B·T]} from two {@code [B·T][V]} logit tensors.
 *
 * <p>Floor: both logit tensors read once ({@link #bytes}) and two exponentials per logit ({@link #exps}).
 * {@link #naive} is the formula written out (two log-softmax rows, then {@code Σ e^{lp}(lp − lq)}: three passes,
 * three {@code Math.exp} per logit, a temporary per row); {@link #djlPyTorch} is the same through DJL's PyTorch ops
 * (one intra-op thread) with the inputs already in native tensors, the result copied back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC",
    "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class FullKlBenchmark {
  /** B x T x V. */
  @Param({"4x256x32000", "8x128x50257"})
  public String size;

  private int rows;
  private int vocab;
  private float[] logits;
  private float[] refLogits;
  private float[] out;
  private CpuKernelProvider scalar;
  private CpuKernelProvider vector;
  private CpuKernelProvider allCores;
  private NDManager manager;
  private NDArray logitsNd;
  private NDArray refLogitsNd;

  @Setup(Level.Trial)
  public void setUp() {
    int[] d = RandomInputs.dims(size);
    rows = d[0] * d[1];
    vocab = d[2];
    logits = RandomInputs.logits(rows, vocab, 1);
    refLogits = RandomInputs.nearby(logits, 2);
    out = new float[rows];
    scalar = new CpuKernelProvider().with(CpuKernelPath.SCALAR).withThreads(1);
    vector = new CpuKernelProvider().with(CpuKernelPath.VECTOR_API).withThreads(1);
    allCores = vector.withThreads(Runtime.getRuntime().availableProcessors());
    manager = DjlSetup.newManager();
    logitsNd = manager.create(logits, new Shape(rows, vocab));
    refLogitsNd = manager.create(refLogits, new Shape(rows, vocab));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  /** Bytes a full-KL call must move at {@code size}: two logit tensors in, one float per row out. */
  static long bytes(String size) {
    int[] d = RandomInputs.dims(size);
    long rows = (long) d[0] * d[1];
    return 4 * (2 * rows * d[2] + rows);
  }

  /** exp/log evaluations a full-KL call needs: one exponential per logit of each tensor, two logs per row. */
  static long exps(String size) {
    int[] d = RandomInputs.dims(size);
    long rows = (long) d[0] * d[1];
    return 2 * rows * d[2] + 2 * rows;
  }

  @Benchmark
  public float[] naive() {
    for (int r = 0; r < rows; r++) {
      double[] lp = Textbook.logSoftmax(logits, r * vocab, vocab, 1);
      double[] lq = Textbook.logSoftmax(refLogits, r * vocab, vocab, 1);
      double kl = 0;
      for (int v = 0; v < vocab; v++) {
        kl += Math.exp(lp[v]) * (lp[v] - lq[v]);
      }
      out[r] = (float) kl;
    }
    return out;
  }

  @Benchmark
  public float[] scalar() {
    scalar.fullKl(logits, refLogits, rows, vocab, out);
    return out;
  }

  @Benchmark
  public float[] vectorApi() {
    vector.fullKl(logits, refLogits, rows, vocab, out);
    return out;
  }

  /** The Vector API path with rows split across every core (not part of the 1-thread acceptance figures). */
  @Benchmark
  public float[] vectorApiAllCores() {
    allCores.fullKl(logits, refLogits, rows, vocab, out);
    return out;
  }

  @Benchmark
  public float[] djlPyTorch() {
    try (NDManager call = manager.newSubManager()) {
      logitsNd.tempAttach(call);
      refLogitsNd.tempAttach(call);
      NDArray lp = logitsNd.logSoftmax(-1);
      NDArray lq = refLogitsNd.logSoftmax(-1);
      return lp.exp().mul(lp.sub(lq)).sum(new int[] {-1}).toFloatArray();
    }
  }
}
// How to run: benchmarks/run.sh FullKl   (or see benchmarks/README.md)
