package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.OptionalDouble;

/**
 * A preference: for {@code prompt}, {@code chosen} was preferred to {@code rejected} (TRL's preference dataset),
 * optionally with a soft label saying how sure the labeller was.
 *
 * <p>A soft label {@code pChosen} is the labeller's probability that chosen is the better answer, as Constitutional
 * AI's feedback model gives it (Bai et al. 2022, §4.1: the normalised probabilities of the answer options are the
 * preference model's targets). A reward trainer asked for soft labels fits {@code σ(r_c − r_r)} to it; a pair
 * without one is a hard label (p = 1).
 *
 * @param prompt plain text or chat messages
 * @param chosen the preferred continuation, of the same form
 * @param rejected the other continuation, of the same form
 * @param margin how strongly chosen wins (subtracted inside the Bradley–Terry loss); empty when not given
 * @param pChosen the probability that chosen is preferred to rejected, in [0, 1]; empty for a hard label
 */
public record PreferencePair(Text prompt, Text chosen, Text rejected, OptionalDouble margin, OptionalDouble pChosen) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null one and {@link IllegalArgumentException}
   * when the three texts are not all of the same form, the margin is not finite or the soft label is outside
   * [0, 1].
   *
   * @param prompt not null
   * @param chosen not null, of the same form as {@code prompt}
   * @param rejected not null, of the same form as {@code prompt}
   * @param margin finite when present; {@link OptionalDouble#empty()} for none, not null
   * @param pChosen in [0, 1] when present (NaN is refused); {@link OptionalDouble#empty()} for none, not null
   */
  public PreferencePair {
    checkNotNull(prompt, "prompt");
    checkNotNull(chosen, "chosen");
    checkNotNull(rejected, "rejected");
    checkNotNull(margin, "margin (use OptionalDouble.empty())");
    checkNotNull(pChosen, "pChosen (use OptionalDouble.empty())");
    checkArgument(Text.sameForm(prompt, chosen) && Text.sameForm(prompt, rejected),
        "prompt, chosen and rejected must all be plain text or all be messages");
    margin.ifPresent(m -> checkArgument(Double.isFinite(m), "margin must be finite, got %s", m));
    pChosen.ifPresent(p -> checkArgument(p >= 0 && p <= 1, // NaN fails
        "pChosen must be in [0, 1] (the probability that chosen is preferred to rejected), got %s", p));
  }

  /**
   * A pair without soft label (the form of every pair before soft labels existed).
   *
   * @param prompt not null
   * @param chosen not null, of the same form as {@code prompt}
   * @param rejected not null, of the same form as {@code prompt}
   * @param margin finite when present; {@link OptionalDouble#empty()} for none, not null
   */
  public PreferencePair(Text prompt, Text chosen, Text rejected, OptionalDouble margin) {
    this(prompt, chosen, rejected, margin, OptionalDouble.empty());
  }

  /**
   * A plain-text pair without margin or soft label.
   *
   * @param prompt the prompt text
   * @param chosen the preferred continuation
   * @param rejected the other continuation
   * @return a pair of {@link Text.Plain} texts with an empty margin and no soft label
   */
  public static PreferencePair plain(String prompt, String chosen, String rejected) {
    return new PreferencePair(Text.plain(prompt), Text.plain(chosen), Text.plain(rejected), OptionalDouble.empty(),
        OptionalDouble.empty());
  }

  /**
   * The same pair with a soft label.
   *
   * @param p the probability that chosen is preferred to rejected, in [0, 1]
   * @return a pair with the same texts and margin and {@code pChosen} = {@code p}
   */
  public PreferencePair withPChosen(double p) {
    return new PreferencePair(prompt, chosen, rejected, margin, OptionalDouble.of(p));
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
