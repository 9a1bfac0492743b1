package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A judge's answer to one {@link Comparison}: the outcome and the judge's raw text, kept for the labels file so that
 * every label can be audited.
 *
 * @param outcome what the judge concluded, about the answer shown first
 * @param raw the judge's raw reply (its text, or a description of the option probabilities); may be empty
 */
public record Judgement(Outcome outcome, String raw) {
  /**
   * Rejects null fields with {@link NullPointerException}.
   *
   * @param outcome not null
   * @param raw not null
   */
  public Judgement {
    checkNotNull(outcome, "outcome");
    checkNotNull(raw, "raw");
  }
}
