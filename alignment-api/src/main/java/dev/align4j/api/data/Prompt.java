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
  public Prompt {
    checkNotNull(prompt, "prompt");
    fields = Map.copyOf(fields);
  }

  /** A plain-text prompt without fields. */
  public static Prompt of(String text) {
    return new Prompt(Text.plain(text), Map.of());
  }

  /** A plain-text prompt with fields. */
  public static Prompt of(String text, Map<String, String> fields) {
    return new Prompt(Text.plain(text), fields);
  }
}
