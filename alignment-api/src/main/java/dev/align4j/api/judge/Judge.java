package dev.align4j.api.judge;

import java.util.List;

/**
 * Compares two answers against a principle: the built-in world's rule-following judge, a local chat checkpoint, or
 * an OpenAI-compatible endpoint asked a multiple-choice question. One call per order; the labeller asks both orders
 * and averages.
 *
 * <p>An implementation returns one judgement per question, in order, and reports every failure as an
 * {@link Outcome} rather than throwing, so one bad call never loses the rest of a batch.
 */
public interface Judge {
  /**
   * A stable name for this judge (model and settings), part of the cache key and stamped on every label.
   *
   * @return not null or blank
   */
  String id();

  /**
   * Judges each question.
   *
   * @param questions the questions, any number
   * @return one judgement per question, in the same order
   */
  List<Judgement> judge(List<Comparison> questions);
}
