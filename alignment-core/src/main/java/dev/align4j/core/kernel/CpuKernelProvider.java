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
 * The pure-Java kernel provider: always usable, priority 0. Validates arguments, then runs the inner loops of one
 * {@link CpuKernelPath}: the Vector API loops where the JVM has {@code jdk.incubator.vector}
 * ({@code --add-modules jdk.incubator.vector}), plain Java loops otherwise; both agree with the conformance vectors.
 *
 * <p>Large softmax-family and per-token calls are split by rows across {@link #threads()} threads (default: the
 * available processors, or the system property {@value #THREADS_PROPERTY}); a steady-state call allocates nothing,
 * split or not.
 */
public final class CpuKernelProvider implements KernelProvider {
  /** System property: how many threads large calls are split across (default: the available processors). */
  public static final String THREADS_PROPERTY = "align4j.kernels.cpu.threads";

  /** Calls with fewer elements than this run on the calling thread: waking workers costs tens of microseconds. */
  static final long PARALLEL_MIN_ELEMENTS = 1L << 18;
  /** Chunk of a split per-token call, in elements. */
  private static final int TOKEN_CHUNK = 1 << 16;

  /** Per-thread scratch for GAE's running moments (count, mean, M2) and a vector loop's partial sums: no allocation per call. */
  private static final ThreadLocal<double[]> MOMENTS = ThreadLocal.withInitial(() -> new double[6]);

  private final CpuKernelPath path;
  private final KernelLoops loops;
  private final int threads;
  private final RowSplitter splitter; // null with one thread
  // Reusable split tasks, one per op: a call fills one in only after it holds the splitter's workers, and at most
  // one call holds them, so two callers of this provider never share a task.
  private final TokenLogprobsTask tokenLogprobsTask = new TokenLogprobsTask();
  private final EntropyTask entropyTask = new EntropyTask();
  private final FullKlTask fullKlTask = new FullKlTask();
  private final KlPerTokenTask klPerTokenTask = new KlPerTokenTask();

  /** The provider {@link java.util.ServiceLoader} creates: {@link CpuKernelPath#preferred()}, default threads. */
  public CpuKernelProvider() {
    this(CpuKernelPath.preferred(), defaultThreads());
  }

  private CpuKernelProvider(CpuKernelPath path, int threads) {
    checkNotNull(path, "path");
    checkArgument(threads >= 1, "threads must be >= 1, got %s", threads);
    if (path == CpuKernelPath.VECTOR_API && !path.isAvailable()) {
      throw new IllegalStateException("the Vector API path is not available: "
          + CpuKernelPath.vectorApiUnavailableReason().orElse("?"));
    }
    this.path = path;
    this.loops = path == CpuKernelPath.VECTOR_API ? VectorApi.loops().orElseThrow() : ScalarLoops.INSTANCE;
    this.threads = threads;
    this.splitter = threads > 1 ? RowSplitter.forThreads(threads) : null;
  }

  /**
   * A provider on the given path.
   *
   * @throws IllegalStateException for {@link CpuKernelPath#VECTOR_API} where it is not available, with the reason
   */
  public CpuKernelProvider with(CpuKernelPath newPath) {
    return new CpuKernelProvider(newPath, threads);
  }

  /** A provider that splits large calls across {@code newThreads} threads (1: always on the calling thread). */
  public CpuKernelProvider withThreads(int newThreads) {
    return new CpuKernelProvider(path, newThreads);
  }

  /** The inner loops this provider runs. */
  public CpuKernelPath path() {
    return path;
  }

  /** The number of threads large calls are split across. */
  public int threads() {
    return threads;
  }

  private static int defaultThreads() {
    String p = System.getProperty(THREADS_PROPERTY);
    if (p == null || p.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int t = Integer.parseInt(p.trim());
      checkArgument(t >= 1, "%s must be an integer >= 1, got %s", THREADS_PROPERTY, p);
      return t;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(THREADS_PROPERTY + " must be an integer >= 1, got " + p, e);
    }
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String toString() {
    return "cpu (" + path.name().toLowerCase(java.util.Locale.ROOT) + ", " + threads + " thread"
        + (threads == 1 ? "" : "s") + ")";
  }

  /** Whether a call over {@code units} rows or chunks holding {@code elements} in all is worth splitting. */
  private boolean split(int units, long elements) {
    return splitter != null && units >= 2 && elements >= PARALLEL_MIN_ELEMENTS;
  }

  /** Rows per claimed chunk: about four chunks per thread, so that a slow thread does not hold up the rest. */
  private int rowChunk(int rows) {
    return Math.max(1, rows / (4 * threads));
  }

  @Override
  public void tokenLogprobs(float[] logits, int[] tokens, int rows, int vocab, float temperature, float[] out) {
    shape("rows", rows, "vocab", vocab);
    length("logits", logits, (long) rows * vocab, "[rows][vocab]");
    length("tokens", tokens, rows, "[rows]");
    length("out", out, rows, "[rows]");
    temperature(temperature);
    checkTokens(tokens, vocab);
    float inv = 1f / temperature;
    if (split(rows, (long) rows * vocab)) {
      if (splitter.tryAcquire()) {
        TokenLogprobsTask t = tokenLogprobsTask; // this provider's own: only the holder of the workers fills it
        try {
          t.set(logits, tokens, vocab, inv, out);
          splitter.run(t, rows, rowChunk(rows));
        } finally {
          t.set(null, null, 0, 0f, null);
          splitter.release();
        }
        return;
      }
    }
    loops.tokenLogprobs(logits, tokens, vocab, inv, 0, rows, out);
  }

  @Override
  public void entropy(float[] logits, int rows, int vocab, float temperature, float[] out) {
    shape("rows", rows, "vocab", vocab);
    length("logits", logits, (long) rows * vocab, "[rows][vocab]");
    length("out", out, rows, "[rows]");
    temperature(temperature);
    float inv = 1f / temperature;
    if (split(rows, (long) rows * vocab)) {
      if (splitter.tryAcquire()) {
        EntropyTask t = entropyTask;
        try {
          t.set(logits, vocab, inv, out);
          splitter.run(t, rows, rowChunk(rows));
        } finally {
          t.set(null, 0, 0f, null);
          splitter.release();
        }
        return;
      }
    }
    loops.entropy(logits, vocab, inv, 0, rows, out);
  }

  @Override
  public void fullKl(float[] logits, float[] refLogits, int rows, int vocab, float[] out) {
    shape("rows", rows, "vocab", vocab);
    length("logits", logits, (long) rows * vocab, "[rows][vocab]");
    length("refLogits", refLogits, (long) rows * vocab, "[rows][vocab]");
    length("out", out, rows, "[rows]");
    if (split(rows, (long) rows * vocab)) {
      if (splitter.tryAcquire()) {
        FullKlTask t = fullKlTask;
        try {
          t.set(logits, refLogits, vocab, out);
          splitter.run(t, rows, rowChunk(rows));
        } finally {
          t.set(null, null, 0, null);
          splitter.release();
        }
        return;
      }
    }
    loops.fullKl(logits, refLogits, vocab, 0, rows, out);
  }

  @Override
  public void klPerToken(float[] logprobs, float[] refLogprobs, float[] mask, int n, KlEstimator estimator,
      float[] out) {
    checkArgument(n >= 0, "n must be >= 0, got %s", n);
    length("logprobs", logprobs, n, "[n]");
    length("refLogprobs", refLogprobs, n, "[n]");
    optionalLength("mask", mask, n, "[n]");
    length("out", out, n, "[n]");
    checkNotNull(estimator, "estimator");
    if (mask != null && !loops.isBinary(mask, 0, n)) {
      checkMask("mask", mask); // names the offending element
    }
    if (split(n / TOKEN_CHUNK, n)) {
      if (splitter.tryAcquire()) {
        KlPerTokenTask t = klPerTokenTask;
        try {
          t.set(logprobs, refLogprobs, mask, estimator, out);
          splitter.run(t, n, TOKEN_CHUNK);
        } finally {
          t.set(null, null, null, null, null);
          splitter.release();
        }
        return;
      }
    }
    loops.klPerToken(logprobs, refLogprobs, mask, estimator, 0, n, out);
  }

  @Override
  public void klPenalizedRewards(KlPenalty params, float[] scores, float[] logprobs, float[] refLogprobs,
      float[] mask, float[] containEos, int batch, int time, float[] rewardsOut, float[] klOut,
      int[] scoreIndexOut) {
    checkNotNull(params, "params");
    shape("batch", batch, "time", time);
    long n = (long) batch * time;
    length("scores", scores, batch, "[batch]");
    length("logprobs", logprobs, n, "[batch][time]");
    length("refLogprobs", refLogprobs, n, "[batch][time]");
    length("mask", mask, n, "[batch][time]");
    length("rewardsOut", rewardsOut, n, "[batch][time]");
    optionalLength("klOut", klOut, n, "[batch][time]");
    optionalLength("scoreIndexOut", scoreIndexOut, batch, "[batch]");
    checkFinite("scores", scores);
    if (params.missingEosPenalty().isPresent()) {
      length("containEos (required with a missing-EOS penalty)", containEos, batch, "[batch]");
      checkMask("containEos", containEos);
    }
    for (int b = 0; b < batch; b++) {
      if (loops.prefixLength(mask, b * time, time) < 0) {
        checkPrefixMask("mask", mask, batch, time, new int[batch]); // throws, naming the row and position
      }
    }
    AdvantageKernels.klPenalizedRewards(params, loops, scores, logprobs, refLogprobs, mask, containEos, batch, time,
        rewardsOut, klOut, scoreIndexOut);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Checks and computes row by row in one pass over the inputs. When an input is rejected, the outputs may hold
   * part of a result.
   */
  @Override
  public void gae(GaeParams params, float[] rewards, float[] values, float[] mask, int batch, int time,
      float[] advantagesOut, float[] rawAdvantagesOut, float[] returnsOut) {
    checkNotNull(params, "params");
    shape("batch", batch, "time", time);
    long n = (long) batch * time;
    length("rewards", rewards, n, "[batch][time]");
    length("values", values, n, "[batch][time]");
    length("mask", mask, n, "[batch][time]");
    length("advantagesOut", advantagesOut, n, "[batch][time]");
    optionalLength("rawAdvantagesOut", rawAdvantagesOut, n, "[batch][time]");
    optionalLength("returnsOut", returnsOut, n, "[batch][time]");
    float[] raw = rawAdvantagesOut != null ? rawAdvantagesOut : advantagesOut; // whitened in place
    if (!AdvantageKernels.gaePrefix(params, loops, rewards, values, mask, batch, time, advantagesOut, raw,
        returnsOut, MOMENTS.get())) {
      validateGae(params, rewards, values, mask, batch, time); // throws, unless the mask has holes
      AdvantageKernels.gaeGeneral(params, rewards, values, mask, batch, time, advantagesOut, raw, returnsOut);
    }
  }

  /**
   * Every check of {@link #gae}'s inputs, in the order that decides which message a caller sees, shared with the
   * CUDA provider's messages. Returns normally only for inputs {@link AdvantageKernels#gaeGeneral} accepts.
   */
  private static void validateGae(GaeParams params, float[] rewards, float[] values, float[] mask, int batch,
      int time) {
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
    int valueOnes = 0;
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        int i = b * time + t;
        boolean onValueMask = params.placement() == ScorePlacement.AFTER_RESPONSE_TRL ? t <= lengths[b]
            : mask[i] == 1f;
        if (onValueMask) {
          valueOnes++;
          if (!Float.isFinite(values[i])) {
            throw new IllegalArgumentException(
                String.format("values must be finite on the value mask, got %s at index %d", values[i], i));
          }
        }
      }
    }
    if (params.rewardWhitening() == GaeParams.RewardWhitening.WHITEN) {
      checkArgument(valueOnes >= 2, "whitening rewards needs at least 2 positions on the value mask");
    }
  }

  @Override
  public void whiten(float[] values, float[] mask, int n, Whitening whitening, float[] out) {
    checkArgument(n >= 0, "n must be >= 0, got %s", n);
    length("values", values, n, "[n]");
    length("mask", mask, n, "[n]");
    length("out", out, n, "[n]");
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
    length("rewards", rewards, count, "[count]");
    length("out", out, count, "[count]");
    if (!AdvantageKernels.groupAdvantages(params, loops, rewards, count, out)) {
      checkFinite("rewards", rewards); // the kernel checks on the way; this names the offending element
    }
  }

  @Override
  public void groupAdvantages(GroupAdvantageParams params, float[] rewardsPerFunc, int count, int functions,
      float[] out) {
    checkNotNull(params, "params");
    checkGroups(params, count);
    shape("count", count, "functions", functions);
    length("rewardsPerFunc", rewardsPerFunc, (long) count * functions, "[count][functions]");
    length("out", out, count, "[count]");
    checkArgument(params.weights().length == 0 || params.weights().length == functions,
        "weights must have one entry per reward function (%s), got %s", functions, params.weights().length);
    if (!loops.allFinite(rewardsPerFunc, 0, count * functions)) {
      checkFinite("rewardsPerFunc", rewardsPerFunc);
    }
    AdvantageKernels.groupAdvantages(params, loops, rewardsPerFunc, count, functions, out);
  }

  // The argument checks of KernelArgs, called only when an argument is wrong: KernelArgs builds a varargs array and
  // boxes on every call, which the JMH GC profiler shows as bytes per call, and these kernels allocate nothing.

  private static void shape(String rowsName, int rows, String colsName, int cols) {
    if (rows < 0 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE) {
      checkShape(rowsName, rows, colsName, cols);
    }
  }

  private static void length(String name, float[] array, long expected, String shape) {
    if (array == null || array.length != expected) {
      checkLength(name, array, expected, shape);
    }
  }

  private static void length(String name, int[] array, long expected, String shape) {
    if (array == null || array.length != expected) {
      checkLength(name, array, expected, shape);
    }
  }

  private static void optionalLength(String name, float[] array, long expected, String shape) {
    if (array != null && array.length != expected) {
      checkOptionalLength(name, array, expected, shape);
    }
  }

  private static void optionalLength(String name, int[] array, long expected, String shape) {
    if (array != null && array.length != expected) {
      checkOptionalLength(name, array, expected, shape);
    }
  }

  private static void temperature(float temperature) {
    if (!(temperature > 0 && Float.isFinite(temperature))) {
      checkTemperature(temperature);
    }
  }

  private static void checkGroups(GroupAdvantageParams params, int count) {
    checkArgument(count > 0 && count % params.groupSize() == 0,
        "count must be a positive multiple of groupSize %s (every group complete, none empty), got %s",
        params.groupSize(), count);
  }

  private final class TokenLogprobsTask extends RowSplitter.Task {
    private float[] logits;
    private int[] tokens;
    private int vocab;
    private float inv;
    private float[] out;

    void set(float[] newLogits, int[] newTokens, int newVocab, float newInv, float[] newOut) {
      logits = newLogits;
      tokens = newTokens;
      vocab = newVocab;
      inv = newInv;
      out = newOut;
    }

    @Override
    void run(int from, int to) {
      loops.tokenLogprobs(logits, tokens, vocab, inv, from, to, out);
    }
  }

  private final class EntropyTask extends RowSplitter.Task {
    private float[] logits;
    private int vocab;
    private float inv;
    private float[] out;

    void set(float[] newLogits, int newVocab, float newInv, float[] newOut) {
      logits = newLogits;
      vocab = newVocab;
      inv = newInv;
      out = newOut;
    }

    @Override
    void run(int from, int to) {
      loops.entropy(logits, vocab, inv, from, to, out);
    }
  }

  private final class FullKlTask extends RowSplitter.Task {
    private float[] logits;
    private float[] refLogits;
    private int vocab;
    private float[] out;

    void set(float[] newLogits, float[] newRefLogits, int newVocab, float[] newOut) {
      logits = newLogits;
      refLogits = newRefLogits;
      vocab = newVocab;
      out = newOut;
    }

    @Override
    void run(int from, int to) {
      loops.fullKl(logits, refLogits, vocab, from, to, out);
    }
  }

  private final class KlPerTokenTask extends RowSplitter.Task {
    private float[] logprobs;
    private float[] refLogprobs;
    private float[] mask;
    private KlEstimator estimator;
    private float[] out;

    void set(float[] newLogprobs, float[] newRefLogprobs, float[] newMask, KlEstimator newEstimator,
        float[] newOut) {
      logprobs = newLogprobs;
      refLogprobs = newRefLogprobs;
      mask = newMask;
      estimator = newEstimator;
      out = newOut;
    }

    @Override
    void run(int from, int to) {
      loops.klPerToken(logprobs, refLogprobs, mask, estimator, from, to, out);
    }
  }
}
