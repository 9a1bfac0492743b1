package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Outcome;
import java.util.List;
import java.util.OptionalInt;

/**
 * The constitutional labeller's result for one pair: every vote behind it and the outcome they add up to.
 *
 * @param pair the pair labelled
 * @param votes one per principle and order asked
 * @param outcome the label: {@link Outcome.Preferred} with the probability that completion 0 is better, or why
 *     there is none
 * @param reference the pair's reference label (index of the better completion) where the input had one
 */
public record PairLabel(CandidatePair pair, List<Vote> votes, Outcome outcome, OptionalInt reference) {
  public PairLabel {
    checkNotNull(pair, "pair");
    votes = List.copyOf(votes);
    checkNotNull(outcome, "outcome");
    checkNotNull(reference, "reference");
  }

  /** Whether this pair has a label to learn from. */
  public boolean isLabelled() {
    return outcome instanceof Outcome.Preferred;
  }

  /** The probability that completion 0 is better; NaN when the pair is not labelled (a tie is ½). */
  public double pCompletion0() {
    if (outcome instanceof Outcome.Preferred p) {
      return p.pFirst();
    }
    return outcome instanceof Outcome.Tie ? 0.5 : Double.NaN;
  }
}
