package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How many tokens one chat call read and wrote (OpenAI's {@code usage}), when the model knows: a local checkpoint
 * counts its rendered prompt and its generated tokens, an endpoint reports its own.
 *
 * @param promptTokens tokens of the rendered conversation, generation prompt included
 * @param completionTokens tokens generated, EOS and any token that completed a stop text included
 */
public record TokenUsage(int promptTokens, int completionTokens) {
  /**
   * Validates the counts; throws {@link IllegalArgumentException} for a negative one.
   *
   * @param promptTokens at least 0
   * @param completionTokens at least 0
   */
  public TokenUsage {
    checkArgument(promptTokens >= 0, "promptTokens must be >= 0, got %s", promptTokens);
    checkArgument(completionTokens >= 0, "completionTokens must be >= 0, got %s", completionTokens);
  }

  /**
   * Both counts together.
   *
   * @return {@code promptTokens + completionTokens}
   */
  public int totalTokens() {
    return promptTokens + completionTokens;
  }
}
