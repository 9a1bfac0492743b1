package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * One generated token with its log-probability and its most likely alternatives (OpenAI's {@code logprobs.content}
 * entry).
 *
 * @param token the token's text
 * @param logprob its natural-log probability, at most 0
 * @param top the most likely tokens at that position, most likely first (may be empty)
 */
public record TokenLogprob(String token, double logprob, List<Alternative> top) {
  /**
   * Validates and copies the fields; throws {@link NullPointerException} for a null field and
   * {@link IllegalArgumentException} for a log-probability above 0 or NaN.
   *
   * @param token not null
   * @param logprob at most 0
   * @param top not null; copied
   */
  public TokenLogprob {
    checkNotNull(token, "token");
    checkArgument(logprob <= 0, "logprob must be <= 0, got %s", logprob);
    checkNotNull(top, "top");
    top = List.copyOf(top);
  }

  /**
   * One alternative token at a position.
   *
   * @param token the token's text
   * @param logprob its natural-log probability, at most 0
   */
  public record Alternative(String token, double logprob) {
    /**
     * Validates the fields; throws {@link NullPointerException} for a null token and
     * {@link IllegalArgumentException} for a log-probability above 0 or NaN.
     *
     * @param token not null
     * @param logprob at most 0 ({@code -Infinity} allowed)
     */
    public Alternative {
      checkNotNull(token, "token");
      checkArgument(logprob <= 0, "logprob must be <= 0, got %s", logprob);
    }
  }
}
