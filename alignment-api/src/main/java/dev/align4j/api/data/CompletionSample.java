package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Map;

/**
 * A prompt and one completion for it, with the prompt's extra fields (e.g. {@code answer} for an exact-match reward);
 * what reward models and reward functions score.
 *
 * @param prompt the prompt text as the model saw it
 * @param completion the completion text, without the prompt
 * @param fields the other fields of the prompt's data line, as strings
 */
public record CompletionSample(String prompt, String completion, Map<String, String> fields) {
  public CompletionSample {
    checkNotNull(prompt, "prompt");
    checkNotNull(completion, "completion");
    fields = Map.copyOf(fields);
  }

  /** A sample without extra fields. */
  public static CompletionSample of(String prompt, String completion) {
    return new CompletionSample(prompt, completion, Map.of());
  }
}
