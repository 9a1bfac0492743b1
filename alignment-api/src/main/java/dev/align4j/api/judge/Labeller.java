package dev.align4j.api.judge;

import java.util.List;

/**
 * Turns candidate pairs into preference labels: simulated annotators, the constitutional labeller over a judge, or
 * people through a file hand-off. The alignment loop asks a labeller for the pairs its reward model handles worst.
 */
public interface Labeller {
  /**
   * A stable name for this labeller, stamped on every label.
   *
   * @return not null or blank
   */
  String id();

  /**
   * Labels each pair.
   *
   * @param pairs the pairs, any number
   * @return one outcome per pair, in order; {@link Outcome.Preferred#pFirst} is the probability that
   *     {@link CandidatePair#first} is the better completion
   */
  List<Outcome> label(List<CandidatePair> pairs);
}
