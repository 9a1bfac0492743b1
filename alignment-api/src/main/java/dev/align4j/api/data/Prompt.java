package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Map;

/**
 * A prompt for online RL (TRL's prompt-only dataset) with the other fields of its line, such as the {@code answer} an
 * exact-match reward reads.
 *
 * @param prompt plain text or chat messages
 * @param fields the other fields, as strings
 */
public record Prompt(Text prompt, Map<String, String> fields) {
  /**
   * Validates the prompt and copies {@code fields} into an immutable map; throws {@link NullPointerException} for a
   * null prompt or map, or a null name or value in it.
   *
   * @param prompt not null
   * @param fields not null; copied
   */
  public Prompt {
    checkNotNull(prompt, "prompt");
    fields = Map.copyOf(fields);
  }

  /**
   * A plain-text prompt without fields.
   *
   * @param text the prompt, used as plain text
   * @return a prompt with no fields
   */
  public static Prompt of(String text) {
    return new Prompt(Text.plain(text), Map.of());
  }

  /**
   * A plain-text prompt with fields.
   *
   * @param text the prompt, used as plain text
   * @param fields the other fields of its line, e.g. {@code answer} for an exact-match reward; copied
   * @return a prompt with those fields
   */
  public static Prompt of(String text, Map<String, String> fields) {
    return new Prompt(Text.plain(text), fields);
  }
}
