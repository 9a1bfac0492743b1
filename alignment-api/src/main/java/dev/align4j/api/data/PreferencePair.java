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
  public PreferencePair {
    checkNotNull(prompt, "prompt");
    checkNotNull(chosen, "chosen");
    checkNotNull(rejected, "rejected");
    checkNotNull(margin, "margin (use OptionalDouble.empty())");
    checkArgument(Text.sameForm(prompt, chosen) && Text.sameForm(prompt, rejected),
        "prompt, chosen and rejected must all be plain text or all be messages");
    margin.ifPresent(m -> checkArgument(Double.isFinite(m), "margin must be finite, got %s", m));
  }

  /** A plain-text pair without margin. */
  public static PreferencePair plain(String prompt, String chosen, String rejected) {
    return new PreferencePair(Text.plain(prompt), Text.plain(chosen), Text.plain(rejected), OptionalDouble.empty());
  }

  /** Whether chosen and rejected are the same text (such a pair teaches a reward model nothing). */
  public boolean isTie() {
    return chosen.equals(rejected);
  }
}
