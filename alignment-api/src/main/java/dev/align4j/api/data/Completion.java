package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Tokens sampled from a policy after a prompt, with the log-prob of each under the sampling distribution.
 *
 * @param promptIds the prompt's token ids
 * @param tokenIds the generated ids, EOS included when generation stopped there
 * @param logprobs {@code [tokenIds.length]}, log-prob of each generated token at sampling time
 * @param endedWithEos whether the last generated token is EOS
 */
public record Completion(int[] promptIds, int[] tokenIds, float[] logprobs, boolean endedWithEos) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null array and {@link IllegalArgumentException}
   * when {@code logprobs} and {@code tokenIds} differ in length. The arrays are kept as given, not copied.
   *
   * @param promptIds not null
   * @param tokenIds not null
   * @param logprobs not null, one entry per element of {@code tokenIds}
   * @param endedWithEos not checked against {@code tokenIds}
   */
  public Completion {
    checkNotNull(promptIds, "promptIds");
    checkNotNull(tokenIds, "tokenIds");
    checkNotNull(logprobs, "logprobs");
    checkArgument(logprobs.length == tokenIds.length,
        "logprobs must have one entry per generated token (%s), got %s", tokenIds.length, logprobs.length);
  }

  /**
   * Number of generated tokens.
   *
   * @return {@code tokenIds.length}, EOS included when generation stopped there
   */
  public int length() {
    return tokenIds.length;
  }
}
