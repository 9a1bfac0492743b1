package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.Map;

/**
 * A prompt and one completion for it, with the prompt's extra fields (e.g. {@code answer} for an exact-match reward);
 * what reward models and reward functions score.
 *
 * @param prompt the prompt text as the model saw it (a chat prompt rendered by the policy's template, special tokens
 *     removed)
 * @param completion the completion text, without the prompt
 * @param fields the other fields of the prompt's data line, as strings
 * @param promptMessages the prompt's chat messages when it was conversational, empty for a plain-text prompt; a
 *     reward model trained on conversational pairs renders these with its own chat template, as it was trained
 */
public record CompletionSample(String prompt, String completion, Map<String, String> fields,
    List<Message> promptMessages) {
  /**
   * Validates the fields and copies {@code fields} and {@code promptMessages} into immutable collections; throws
   * {@link NullPointerException} for a null field or a null entry in either collection.
   *
   * @param prompt not null
   * @param completion not null
   * @param fields not null; copied
   * @param promptMessages not null, empty for a plain-text prompt; copied
   */
  public CompletionSample {
    checkNotNull(prompt, "prompt");
    checkNotNull(completion, "completion");
    fields = Map.copyOf(fields);
    promptMessages = List.copyOf(promptMessages);
  }

  /**
   * A sample of a plain-text prompt.
   *
   * @param prompt the prompt text as the model saw it
   * @param completion the completion text, without the prompt
   * @param fields the other fields of the prompt's data line, as strings; copied
   */
  public CompletionSample(String prompt, String completion, Map<String, String> fields) {
    this(prompt, completion, fields, List.of());
  }

  /**
   * A sample without extra fields.
   *
   * @param prompt the prompt text as the model saw it
   * @param completion the completion text, without the prompt
   * @return a plain-text sample with no fields and no prompt messages
   */
  public static CompletionSample of(String prompt, String completion) {
    return new CompletionSample(prompt, completion, Map.of());
  }

  /**
   * Whether the prompt was chat messages.
   *
   * @return true when {@code promptMessages} is not empty
   */
  public boolean isConversational() {
    return !promptMessages.isEmpty();
  }
}
