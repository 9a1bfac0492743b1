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
  public Completion {
    checkNotNull(promptIds, "promptIds");
    checkNotNull(tokenIds, "tokenIds");
    checkNotNull(logprobs, "logprobs");
    checkArgument(logprobs.length == tokenIds.length,
        "logprobs must have one entry per generated token (%s), got %s", tokenIds.length, logprobs.length);
  }

  /** Number of generated tokens. */
  public int length() {
    return tokenIds.length;
  }
}
