package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A batch of token sequences of different lengths, to be padded on one side.
 *
 * @param sequences the rows, each at least one token
 * @param padding which side receives the padding
 */
public record TokenBatch(int[][] sequences, Padding padding) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null field and {@link IllegalArgumentException}
   * for an empty batch or a null or empty row, naming its index. The rows are kept as given, not copied.
   *
   * @param sequences at least one row, each of at least one token
   * @param padding not null
   */
  public TokenBatch {
    checkNotNull(sequences, "sequences");
    checkNotNull(padding, "padding");
    checkArgument(sequences.length > 0, "a token batch needs at least one sequence");
    for (int i = 0; i < sequences.length; i++) {
      checkArgument(sequences[i] != null && sequences[i].length > 0, "sequences[%s] is empty", i);
    }
  }

  /**
   * The number of rows.
   *
   * @return {@code B}, at least 1
   */
  public int size() {
    return sequences.length;
  }

  /**
   * The length of the longest row, i.e. the padded width.
   *
   * @return {@code T}, at least 1
   */
  public int maxLength() {
    int m = 0;
    for (int[] s : sequences) {
      m = Math.max(m, s.length);
    }
    return m;
  }

  /** The side that receives padding. Training uses right padding; batched generation left-pads prompts. */
  public enum Padding {
    /** Tokens first, padding after. */
    RIGHT,
    /** Padding first, tokens after. */
    LEFT
  }
}
