package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.OptionalDouble;

/**
 * A preference: for {@code prompt}, {@code chosen} was preferred to {@code rejected} (TRL's preference dataset).
 *
 * @param prompt plain text or chat messages
 * @param chosen the preferred continuation, of the same form
 * @param rejected the other continuation, of the same form
 * @param margin how strongly chosen wins (subtracted inside the Bradley–Terry loss); empty when not given
 */
public record PreferencePair(Text prompt, Text chosen, Text rejected, OptionalDouble margin) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null one and {@link IllegalArgumentException}
   * when the three texts are not all of the same form or the margin is not finite.
   *
   * @param prompt not null
   * @param chosen not null, of the same form as {@code prompt}
   * @param rejected not null, of the same form as {@code prompt}
   * @param margin finite when present; {@link OptionalDouble#empty()} for none, not null
   */
  public PreferencePair {
    checkNotNull(prompt, "prompt");
    checkNotNull(chosen, "chosen");
    checkNotNull(rejected, "rejected");
    checkNotNull(margin, "margin (use OptionalDouble.empty())");
    checkArgument(Text.sameForm(prompt, chosen) && Text.sameForm(prompt, rejected),
        "prompt, chosen and rejected must all be plain text or all be messages");
    margin.ifPresent(m -> checkArgument(Double.isFinite(m), "margin must be finite, got %s", m));
  }

  /**
   * A plain-text pair without margin.
   *
   * @param prompt the prompt text
   * @param chosen the preferred continuation
   * @param rejected the other continuation
   * @return a pair of {@link Text.Plain} texts with an empty margin
   */
  public static PreferencePair plain(String prompt, String chosen, String rejected) {
    return new PreferencePair(Text.plain(prompt), Text.plain(chosen), Text.plain(rejected), OptionalDouble.empty());
  }

  /**
   * Whether chosen and rejected are the same text (such a pair teaches a reward model nothing).
   *
   * @return true when {@code chosen} equals {@code rejected} (same form and same content)
   */
  public boolean isTie() {
    return chosen.equals(rejected);
  }
}
