package dev.align4j.core.chat.jinja;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;

/**
 * How much one template may nest, loop, write and take, because a chat template is code that arrives inside a
 * downloaded {@code tokenizer_config.json}. transformers renders in jinja2's sandbox, where Python's recursion limit
 * stops a macro that calls itself; these limits do at least that and also stop the loops and output that Python
 * would let run. Going over any of them ends the render (or the compile, for {@link #maxDepth} while parsing) with a
 * {@link TemplateException} of kind {@link TemplateException.Kind#LIMIT} that names the limit, its value, the template
 * line and how to raise it.
 *
 * <p>The defaults are far above what real templates need and far below what hurts: Qwen3's published template, on a
 * conversation of 10,000 messages, reaches depth 12 (of 200), takes 20,000 loop steps (of 100,000) and writes 494,000
 * characters (of 10,000,000) in about 20 ms (of 5 s). Start from {@link #defaults()} and change what a trusted template
 * needs: {@code RenderLimits.defaults().withMaxDepth(1000)}.
 *
 * @param maxDepth how deeply the template's constructs may sit inside one another: while parsing, each block inside a
 *     block and each bracket, operand or {@code not} inside an expression is one level; while rendering, each running
 *     statement body, expression node and filter is one, so a macro that calls itself spends two or three levels per
 *     call. Default {@value #DEFAULT_MAX_DEPTH}: real chat templates reach 8 to 17 (Llama 3, ChatML and Qwen3 shapes;
 *     Qwen3's published template with thinking history 17). It allows 199 nested brackets and a macro that recurses
 *     65 deep through an {@code if}; jinja2 under Python's default recursion limit of 1000 frames allows fewer than
 *     100 brackets and 197 such calls. 200 levels fit in 512 KiB of Java stack even before the JIT has compiled the
 *     parser (measured), half of what a Java thread gets by default, so the count fires before a
 *     {@link StackOverflowError}. At least 1.
 * @param maxLoopIterations the for-loop steps one render may take in all, counting each run of a loop body and each
 *     test of a loop's {@code if} filter. Default {@value #DEFAULT_MAX_LOOP_ITERATIONS}, the size jinja2's sandbox
 *     allows one {@code range()} ({@code MAX_RANGE}): Qwen3's template takes 2 steps per message, so conversations
 *     of 50,000 messages render, while two nested {@code range(100000)} loops stop in 0.15 to 0.3 s in a cold JVM on
 *     this project's busy 2-core machine (20 to 30 ms once warm). A million steps took 0.15 to 1 s there, too slow
 *     for "a hostile template fails within a second". At least 0.
 * @param maxOutputChars the longest string a render may produce: the output, the captured text of a macro or a
 *     {@code {% set %}}/{@code {% filter %}} block, and any string an expression builds (a {@code *} repetition of a
 *     string or list is refused before it is built). Default {@value #DEFAULT_MAX_OUTPUT_CHARS} Java chars: some 2.5
 *     million tokens at about 4 characters per token, beyond the context window of the models this pipeline trains,
 *     and at most 20 MB of memory per string. At least 0.
 * @param maxWallTime how long one render may take, measured with {@link System#nanoTime()} every
 *     64 statements, loop steps and filter calls, so it also stops a loop that writes
 *     nothing. Default 5 s: real templates render in milliseconds, and a data loader that meets a hostile template
 *     should fail fast. Positive.
 */
public record RenderLimits(int maxDepth, long maxLoopIterations, int maxOutputChars, Duration maxWallTime) {
  /** The default of {@link #maxDepth}. */
  public static final int DEFAULT_MAX_DEPTH = 200;
  /** The default of {@link #maxLoopIterations}. */
  public static final long DEFAULT_MAX_LOOP_ITERATIONS = 100_000L;
  /** The default of {@link #maxOutputChars}. */
  public static final int DEFAULT_MAX_OUTPUT_CHARS = 10_000_000;
  /** The default of {@link #maxWallTime}. */
  public static final Duration DEFAULT_MAX_WALL_TIME = Duration.ofSeconds(5);

  /** The four limits, as {@link TemplateException#limit()} names the one a template went over. */
  public enum Limit {
    /** {@link RenderLimits#maxDepth}. */
    DEPTH("maxDepth", "withMaxDepth"),
    /** {@link RenderLimits#maxLoopIterations}. */
    LOOP_ITERATIONS("maxLoopIterations", "withMaxLoopIterations"),
    /** {@link RenderLimits#maxOutputChars}. */
    OUTPUT_CHARS("maxOutputChars", "withMaxOutputChars"),
    /** {@link RenderLimits#maxWallTime}. */
    WALL_TIME("maxWallTime", "withMaxWallTime");

    private final String field;
    private final String wither;

    Limit(String field, String wither) {
      this.field = field;
      this.wither = wither;
    }

    /** The record component, e.g. {@code maxDepth}. */
    public String field() {
      return field;
    }

    /** The sentence that ends each message about this limit. */
    String remedy() {
      return "if you trust the template, raise it with RenderLimits." + wither + "(...)";
    }
  }

  public RenderLimits {
    checkArgument(maxDepth >= 1, "maxDepth must be >= 1 (each nested block, expression or macro call is one level),"
        + " got %s", maxDepth);
    checkArgument(maxLoopIterations >= 0, "maxLoopIterations must be >= 0 (0 allows no loop step), got %s",
        maxLoopIterations);
    checkArgument(maxOutputChars >= 0, "maxOutputChars must be >= 0, got %s", maxOutputChars);
    checkNotNull(maxWallTime, "maxWallTime");
    checkArgument(!maxWallTime.isNegative() && !maxWallTime.isZero(), "maxWallTime must be positive, got %s",
        maxWallTime);
  }

  /** The defaults: depth 200, 100,000 loop steps, 10,000,000 chars, 5 s. */
  public static RenderLimits defaults() {
    return new RenderLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_LOOP_ITERATIONS, DEFAULT_MAX_OUTPUT_CHARS,
        DEFAULT_MAX_WALL_TIME);
  }

  /** A copy with {@link #maxDepth} replaced. */
  public RenderLimits withMaxDepth(int depth) {
    return new RenderLimits(depth, maxLoopIterations, maxOutputChars, maxWallTime);
  }

  /** A copy with {@link #maxLoopIterations} replaced. */
  public RenderLimits withMaxLoopIterations(long iterations) {
    return new RenderLimits(maxDepth, iterations, maxOutputChars, maxWallTime);
  }

  /** A copy with {@link #maxOutputChars} replaced. */
  public RenderLimits withMaxOutputChars(int chars) {
    return new RenderLimits(maxDepth, maxLoopIterations, chars, maxWallTime);
  }

  /** A copy with {@link #maxWallTime} replaced. */
  public RenderLimits withMaxWallTime(Duration wallTime) {
    return new RenderLimits(maxDepth, maxLoopIterations, maxOutputChars, wallTime);
  }
}
