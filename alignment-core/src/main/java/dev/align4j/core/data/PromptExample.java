package dev.align4j.core.data;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Text;
import java.util.Map;

/**
 * A prompt for online RL with the other fields of its line (e.g. {@code answer}).
 *
 * @param prompt plain text or chat messages
 * @param fields the other fields, as strings
 */
public record PromptExample(Text prompt, Map<String, String> fields) {
  public PromptExample {
    checkNotNull(prompt, "prompt");
    fields = Map.copyOf(fields);
  }
}
