package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Token ids with the positions that carry the loss: {@code target[i]} means token {@code i} is learned (predicted
 * from tokens {@code < i}). Prompts, system messages and user turns are conditioned on but not learned.
 *
 * @param ids the token ids
 * @param target per token, whether it carries the loss
 */
public record TokenizedSequence(int[] ids, boolean[] target) {
  /**
   * Checks that {@code ids} and {@code target} have the same length; throws {@link IllegalArgumentException} with
   * both lengths ({@link NullPointerException} for a null array). The arrays are kept as given, not copied.
   *
   * @param ids not null
   * @param target not null, one entry per element of {@code ids}
   */
  public TokenizedSequence {
    checkArgument(ids.length == target.length, "ids (%s) and target (%s) must have the same length", ids.length,
        target.length);
  }

  /**
   * Tokens that carry the loss.
   *
   * @return the number of {@code true} entries of {@code target}
   */
  public int targetCount() {
    int n = 0;
    for (boolean t : target) {
      n += t ? 1 : 0;
    }
    return n;
  }

  /**
   * The first {@code length} tokens.
   *
   * @param length the number of tokens to keep, at least 0
   * @return this sequence when it is no longer than {@code length}, else a copy of its first {@code length} ids and
   *     targets
   */
  public TokenizedSequence truncate(int length) {
    if (length >= ids.length) {
      return this;
    }
    return new TokenizedSequence(java.util.Arrays.copyOf(ids, length), java.util.Arrays.copyOf(target, length));
  }

  /**
   * Prompt ids followed by completion ids, only the completion learned.
   *
   * @param prompt ids conditioned on, not learned
   * @param completion ids learned, EOS included if it should be learned
   * @return a new sequence of {@code prompt.length + completion.length} tokens
   */
  public static TokenizedSequence of(int[] prompt, int[] completion) {
    int[] ids = new int[prompt.length + completion.length];
    boolean[] t = new boolean[ids.length];
    System.arraycopy(prompt, 0, ids, 0, prompt.length);
    System.arraycopy(completion, 0, ids, prompt.length, completion.length);
    java.util.Arrays.fill(t, prompt.length, ids.length, true);
    return new TokenizedSequence(ids, t);
  }
}
