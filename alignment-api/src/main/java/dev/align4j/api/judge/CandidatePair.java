package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Text;

/**
 * Two completions of one prompt waiting for a preference label.
 *
 * @param id a name unique within its batch (the line number of an input file, or the loop's pair id)
 * @param prompt the prompt, plain text or chat turns
 * @param first completion 0
 * @param second completion 1
 */
public record CandidatePair(String id, Text prompt, String first, String second) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null field and {@link IllegalArgumentException}
   * for a blank id.
   *
   * @param id not null or blank
   * @param prompt not null
   * @param first not null
   * @param second not null
   */
  public CandidatePair {
    checkNotNull(id, "id");
    checkArgument(!id.isBlank(), "pair id must not be blank");
    checkNotNull(prompt, "prompt of pair %s", id);
    checkNotNull(first, "first completion of pair %s", id);
    checkNotNull(second, "second completion of pair %s", id);
  }
}
