package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.judge.Judgement;
import dev.align4j.api.judge.Outcome;

/**
 * One judge call behind a label: a principle, an order, and what the judge said.
 *
 * @param principle the principle id asked about
 * @param swapped false when completion 0 was shown first as (A), true when completion 1 was
 * @param judgement the judge's answer, about the answer shown first
 */
public record Vote(String principle, boolean swapped, Judgement judgement) {
  public Vote {
    checkNotNull(principle, "principle");
    checkNotNull(judgement, "judgement");
  }

  /** The probability this vote gives completion 0: P(A), or 1 − P(A) when swapped; ½ for a tie; NaN otherwise. */
  public double pCompletion0() {
    Outcome o = judgement.outcome();
    if (o instanceof Outcome.Preferred p) {
      return swapped ? 1 - p.pFirst() : p.pFirst();
    }
    return o instanceof Outcome.Tie ? 0.5 : Double.NaN;
  }

  /** The probability this vote gives the answer shown first; NaN when the vote is no preference or tie. */
  public double pShownFirst() {
    Outcome o = judgement.outcome();
    if (o instanceof Outcome.Preferred p) {
      return p.pFirst();
    }
    return o instanceof Outcome.Tie ? 0.5 : Double.NaN;
  }

  /** {@code ab} when completion 0 was shown first, {@code ba} otherwise (the labels file's name). */
  public String order() {
    return swapped ? "ba" : "ab";
  }
}
