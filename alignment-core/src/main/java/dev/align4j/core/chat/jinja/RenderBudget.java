package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.RenderLimits.Limit;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/**
 * What one render has spent of its {@link RenderLimits}: the open nesting levels, the loop steps, and the time since
 * it began. One per render, used by one thread. Every method that can fail takes the template line it was called
 * for, so that the {@link TemplateException} names it.
 */
final class RenderBudget {
  /** Clock reads are one per this many statements, loop steps and filter calls (a power of two). */
  static final int CLOCK_EVERY = 64;

  private final RenderLimits limits;
  private final long startNanos = System.nanoTime();
  private final long wallNanos;
  private int depth;
  private long loopSteps;
  private long ticks;

  /**
   * The budget of the render running on this thread, for the value helpers ({@link Py#repr}, padding, joining, format
   * widths) that build a string piece by piece without a line of their own: they check its length as they go, so that
   * a repr of ten million list items or {@code 'x'.zfill(10 ** 9)} is refused before it is built, not after.
   */
  private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

  RenderBudget(RenderLimits limits) {
    this.limits = limits;
    this.wallNanos = saturatedNanos(limits.maxWallTime());
  }

  /** Makes this the thread's current budget until {@link #close}; returns the one it replaces (null outside a render). */
  RenderBudget open() {
    RenderBudget previous = CURRENT.get();
    CURRENT.set(this);
    return previous;
  }

  /** Restores the budget {@link #open} replaced. */
  static void close(RenderBudget previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  /**
   * Fails when a string about to be built, or being built, would be longer than {@code maxOutputChars}, and now and
   * then when the render is out of time. A no-op outside a render (a compile, a test of a helper). The line is 0: the
   * statement that called the helper adds its own ({@link TemplateException#atLine}).
   */
  static void building(long length) {
    building(length, "characters");
  }

  /** As {@link #building(long)} for a list, whose items count as characters do (as for {@code '*'}). */
  static void buildingList(long items) {
    building(items, "list items");
  }

  private static void building(long size, String unit) {
    RenderBudget b = CURRENT.get();
    if (b != null) {
      if (size > b.limits.maxOutputChars()) {
        throw TemplateException.overLimit(Limit.OUTPUT_CHARS, 0, "the template builds a string or list of " + size
            + " " + unit + ", more than maxOutputChars = " + b.limits.maxOutputChars() + "; "
            + Limit.OUTPUT_CHARS.remedy());
      }
      if (size > EXPENSIVE) {
        b.clock(0);
      } else {
        b.tick(0);
      }
    }
  }

  /** Sizes past which one operation takes long enough (milliseconds and more) to read the clock at every one. */
  static final long EXPENSIVE = 1 << 16;

  /**
   * Reads the clock now, for an operation that {@link #tick} would let 63 times more of pass unchecked: a big int's
   * power or product, a string of megabytes. A no-op outside a render.
   */
  static void expensive() {
    RenderBudget b = CURRENT.get();
    if (b != null) {
      b.clock(0);
    }
  }

  private void clock(int line) {
    if (System.nanoTime() - startNanos > wallNanos) {
      throw TemplateException.overLimit(Limit.WALL_TIME, line, "rendering took longer than maxWallTime = "
          + human(limits.maxWallTime()) + "; " + Limit.WALL_TIME.remedy());
    }
  }

  private static long saturatedNanos(Duration d) {
    // Duration.toNanos overflows beyond 292 years; any longer limit means "no limit"
    return d.compareTo(Duration.ofDays(100 * 365)) > 0 ? Long.MAX_VALUE : d.toNanos();
  }

  /** Opens one nesting level; pair with {@link #exit()} in a {@code finally}. */
  void enter(int line) {
    if (++depth > limits.maxDepth()) {
      throw TemplateException.overLimit(Limit.DEPTH, line, "the template nests deeper than maxDepth = "
          + limits.maxDepth() + " levels while rendering (each running block, expression and filter is one, so a"
          + " macro that calls itself spends two per call); " + Limit.DEPTH.remedy());
    }
  }

  void exit() {
    depth--;
  }

  /** One run of a loop body or one test of a loop's {@code if} filter. */
  void loopStep(int line) {
    if (++loopSteps > limits.maxLoopIterations()) {
      throw TemplateException.overLimit(Limit.LOOP_ITERATIONS, line, "the template takes more than"
          + " maxLoopIterations = " + limits.maxLoopIterations() + " for-loop steps in one render; "
          + Limit.LOOP_ITERATIONS.remedy());
    }
    tick(line);
  }

  /** A unit of work that reads the clock every {@link #CLOCK_EVERY} calls. */
  void tick(int line) {
    if ((++ticks & (CLOCK_EVERY - 1)) == 0) {
      clock(line);
    }
  }

  /** Checks the length of a string the render built or a buffer it wrote to. */
  void output(int length, int line) {
    if (length > limits.maxOutputChars()) {
      throw TemplateException.overLimit(Limit.OUTPUT_CHARS, line, "the template writes more than maxOutputChars = "
          + limits.maxOutputChars() + " characters (to its output, a macro's or block's text, or one string); "
          + Limit.OUTPUT_CHARS.remedy());
    }
  }

  /** Refuses {@code seq * n} before building it when the result would be longer than {@code maxOutputChars}. */
  void repetition(Object a, Object b, int line) {
    Object seq = a instanceof String || a instanceof List ? a : b;
    Object n = seq == a ? b : a;
    if (!(seq instanceof String || seq instanceof List) || !(Py.isInt(n) || n instanceof Boolean)) {
      return;
    }
    long len = seq instanceof String ? ((String) seq).length() : ((List<?>) seq).size();
    BigInteger total = Py.toBig(n).max(BigInteger.ZERO).multiply(BigInteger.valueOf(len));
    if (total.compareTo(BigInteger.valueOf(limits.maxOutputChars())) > 0) {
      throw TemplateException.overLimit(Limit.OUTPUT_CHARS, line, "a '*' repetition would build " + total + " "
          + (seq instanceof String ? "characters" : "list items") + ", more than maxOutputChars = "
          + limits.maxOutputChars() + "; " + Limit.OUTPUT_CHARS.remedy());
    }
  }

  /** The error for a {@link StackOverflowError} that came before {@code maxDepth} did. */
  TemplateException stackOverflow(int line) {
    return TemplateException.overLimit(Limit.DEPTH, line, "the Java stack overflowed while rendering, before"
        + " maxDepth = " + limits.maxDepth() + " was reached; lower it with RenderLimits.withMaxDepth(...) or render on a"
        + " thread with a larger stack (-Xss)");
  }

  static String human(Duration d) {
    return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toMillis() / 1000.0 + " s";
  }
}
