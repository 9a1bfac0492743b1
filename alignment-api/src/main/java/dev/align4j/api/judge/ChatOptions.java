package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.OptionalLong;

/**
 * Sampling settings of one chat call, with the names and meaning of OpenAI's {@code /v1/chat/completions}.
 *
 * @param temperature 0 for greedy decoding; above 0 divides the logits
 * @param topP nucleus sampling mass in (0, 1]; 1 disables
 * @param maxTokens the most tokens to generate
 * @param stop texts that end the reply when generated (not included in it); up to 4, as OpenAI allows
 * @param seed the sampling seed; empty for none (a local model then uses seed 0, so runs stay reproducible)
 * @param topLogprobs how many most likely alternatives to return per generated token, 0 to 20; 0 returns no
 *     log-probs at all
 */
public record ChatOptions(double temperature, double topP, int maxTokens, List<String> stop, OptionalLong seed,
    int topLogprobs) {
  /**
   * Validates and copies the fields; throws {@link IllegalArgumentException} naming the field and the allowed range.
   *
   * @param temperature in [0, 2]
   * @param topP in (0, 1]
   * @param maxTokens at least 1
   * @param stop not null; at most 4 non-empty texts; copied
   * @param seed not null
   * @param topLogprobs in [0, 20]
   */
  public ChatOptions {
    checkArgument(temperature >= 0 && temperature <= 2, "temperature must be in [0, 2], got %s", temperature);
    checkArgument(topP > 0 && topP <= 1, "top_p must be in (0, 1], got %s", topP);
    checkArgument(maxTokens >= 1, "max_tokens must be >= 1, got %s", maxTokens);
    checkNotNull(stop, "stop (use List.of())");
    stop = List.copyOf(stop);
    checkArgument(stop.size() <= 4, "stop holds at most 4 texts, got %s", stop.size());
    checkArgument(stop.stream().noneMatch(String::isEmpty), "stop texts must not be empty");
    checkNotNull(seed, "seed (use OptionalLong.empty())");
    checkArgument(topLogprobs >= 0 && topLogprobs <= 20, "top_logprobs must be in [0, 20], got %s", topLogprobs);
  }

  /**
   * Greedy decoding without log-probs.
   *
   * @param maxTokens the most tokens to generate
   * @return options with temperature 0, top_p 1, no stop texts, no seed, no log-probs
   */
  public static ChatOptions greedy(int maxTokens) {
    return new ChatOptions(0, 1, maxTokens, List.of(), OptionalLong.empty(), 0);
  }

  /**
   * The distribution of the first token only: one greedy token with its {@code k} most likely alternatives, which is
   * how a judge's option probabilities are read.
   *
   * @param k alternatives to return, 1 to 20
   * @return greedy options with max_tokens 1 and top_logprobs {@code k}
   */
  public static ChatOptions firstToken(int k) {
    checkArgument(k >= 1, "top_logprobs must be >= 1 to read option probabilities, got %s", k);
    return new ChatOptions(0, 1, 1, List.of(), OptionalLong.empty(), k);
  }

  /**
   * These options with another seed.
   *
   * @param s the seed
   * @return a copy with {@code seed} set
   */
  public ChatOptions withSeed(long s) {
    return new ChatOptions(temperature, topP, maxTokens, stop, OptionalLong.of(s), topLogprobs);
  }
}
