package dev.align4j.api.kernel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The argument checks every {@link KernelProvider} applies before it computes, so that all providers reject the same
 * inputs with the same messages. Each message names the argument, the constraint and the offending value.
 */
public final class KernelArgs {
  private KernelArgs() {}

  /**
   * {@code rows >= 0}, {@code cols >= 1} and {@code rows·cols} fits an array.
   *
   * @param rowsName the name of the row count in the message, e.g. {@code "batch"}
   * @param rows the number of rows; 0 (an empty batch) is allowed
   * @param colsName the name of the column count in the message, e.g. {@code "vocab"} or {@code "time"}
   * @param cols the number of columns, at least 1
   * @throws IllegalArgumentException when a bound fails; too many elements asks the caller to split the batch
   */
  public static void checkShape(String rowsName, int rows, String colsName, int cols) {
    checkArgument(rows >= 0, "%s must be >= 0, got %s", rowsName, rows);
    checkArgument(cols >= 1, "%s must be >= 1, got %s", colsName, cols);
    checkArgument((long) rows * cols <= Integer.MAX_VALUE,
        "%s x %s = %s elements exceeds one Java array; split the batch", rows, cols, (long) rows * cols);
  }

  /**
   * {@code array} is non-null and holds exactly {@code expected} elements.
   *
   * @param name the argument's name in the message, e.g. {@code "logits"}
   * @param array the argument
   * @param expected the element count its shape implies, e.g. {@code rows·vocab}
   * @param shape the shape as the message shows it, e.g. {@code "[rows][vocab]"}
   * @throws NullPointerException when {@code array} is null
   * @throws IllegalArgumentException when its length differs from {@code expected}
   */
  public static void checkLength(String name, float[] array, long expected, String shape) {
    checkNotNull(array, "%s must not be null", name);
    checkArgument(array.length == expected,
        "%s must have length %s (shape %s), got %s", name, expected, shape, array.length);
  }

  /**
   * {@code array} is non-null and holds exactly {@code expected} elements.
   *
   * @param name the argument's name in the message, e.g. {@code "tokens"}
   * @param array the argument
   * @param expected the element count its shape implies, e.g. {@code rows}
   * @param shape the shape as the message shows it, e.g. {@code "[rows]"}
   * @throws NullPointerException when {@code array} is null
   * @throws IllegalArgumentException when its length differs from {@code expected}
   */
  public static void checkLength(String name, int[] array, long expected, String shape) {
    checkNotNull(array, "%s must not be null", name);
    checkArgument(array.length == expected,
        "%s must have length %s (shape %s), got %s", name, expected, shape, array.length);
  }

  /**
   * An optional output is either null or of the given length.
   *
   * @param name the argument's name in the message, e.g. {@code "klOut"}
   * @param array the optional output; {@code null} passes
   * @param expected the element count its shape implies
   * @param shape the shape as the message shows it, e.g. {@code "[batch][time]"}
   * @throws IllegalArgumentException when {@code array} is non-null and its length differs from {@code expected}
   */
  public static void checkOptionalLength(String name, float[] array, long expected, String shape) {
    if (array != null) {
      checkLength(name, array, expected, shape);
    }
  }

  /**
   * An optional output is either null or of the given length.
   *
   * @param name the argument's name in the message, e.g. {@code "scoreIndexOut"}
   * @param array the optional output; {@code null} passes
   * @param expected the element count its shape implies
   * @param shape the shape as the message shows it, e.g. {@code "[batch]"}
   * @throws IllegalArgumentException when {@code array} is non-null and its length differs from {@code expected}
   */
  public static void checkOptionalLength(String name, int[] array, long expected, String shape) {
    if (array != null) {
      checkLength(name, array, expected, shape);
    }
  }

  /**
   * A temperature is finite and strictly positive (NaN fails).
   *
   * @param temperature the divisor of the logits; unlike {@code SamplingParams}, 0 (greedy) is not allowed here
   * @throws IllegalArgumentException when it is 0, negative, infinite or NaN
   */
  public static void checkTemperature(float temperature) {
    checkArgument(temperature > 0 && Float.isFinite(temperature),
        "temperature must be finite and > 0, got %s", temperature);
  }

  /**
   * Every element of {@code mask} is exactly 0 or 1; returns the number of ones.
   *
   * @param name the mask's name in the message, e.g. {@code "mask"} or {@code "containEos"}
   * @param mask the mask, any 0/1 pattern, not null
   * @return the number of ones, for callers that need a minimum count (whitening needs at least 2)
   * @throws IllegalArgumentException at the first element that is neither 0 nor 1 (NaN included), naming its index
   */
  public static int checkMask(String name, float[] mask) {
    int ones = 0;
    for (int i = 0; i < mask.length; i++) {
      float m = mask[i];
      if (m == 1f) {
        ones++;
      } else if (m != 0f) {
        throw new IllegalArgumentException(
            String.format("%s must hold only 0 or 1, got %s at index %d", name, m, i));
      }
    }
    return ones;
  }

  /**
   * Each row of a {@code [rows][cols]} mask is 0/1 and a right-padded prefix {@code 1…1 0…0}; writes each row's
   * length into {@code lengths}.
   *
   * @param name the mask's name in the message
   * @param mask {@code [rows][cols]}, its length already checked; a row may be all zeros
   * @param rows the number of rows
   * @param cols the number of columns
   * @param lengths {@code [rows]}, written: the number of leading ones of each row ({@code L_b}); when a row is
   *     rejected, the rows before it are already written
   * @throws IllegalArgumentException at the first element that is not 0 or 1, or the first 1 after a 0, naming the
   *     row and position
   */
  public static void checkPrefixMask(String name, float[] mask, int rows, int cols, int[] lengths) {
    for (int b = 0; b < rows; b++) {
      int base = b * cols;
      int len = 0;
      boolean ended = false;
      for (int t = 0; t < cols; t++) {
        float m = mask[base + t];
        if (m != 0f && m != 1f) {
          throw new IllegalArgumentException(
              String.format("%s must hold only 0 or 1, got %s at [%d][%d]", name, m, b, t));
        }
        if (m == 1f) {
          if (ended) {
            throw new IllegalArgumentException(String.format(
                "%s must be a right-padded prefix (1…1 0…0) in each row; row %d has a 1 at %d after a 0",
                name, b, t));
          }
          len++;
        } else {
          ended = true;
        }
      }
      lengths[b] = len;
    }
  }

  /**
   * Every element of {@code values} is finite (NaN and infinities fail).
   *
   * @param name the argument's name in the message, e.g. {@code "rewards"}
   * @param values the values, not null
   * @throws IllegalArgumentException at the first non-finite element, naming its index
   */
  public static void checkFinite(String name, float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            String.format("%s must be finite, got %s at index %d", name, values[i], i));
      }
    }
  }

  /**
   * Every token id is in {@code [0, vocab)}.
   *
   * @param tokens the token ids; the message calls them {@code tokens}
   * @param vocab the vocabulary size, the width of a logits row
   * @throws IllegalArgumentException at the first id outside the vocabulary, naming its index
   */
  public static void checkTokens(int[] tokens, int vocab) {
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocab) {
        throw new IllegalArgumentException(String.format(
            "tokens[%d] must be in [0, %d) (the vocabulary size), got %d", i, vocab, tokens[i]));
      }
    }
  }
}
