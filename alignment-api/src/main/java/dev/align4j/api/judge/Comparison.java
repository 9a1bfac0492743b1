package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Text;

/**
 * One question to a judge, in one order: which of two answers to {@code prompt} better follows {@code principle}?
 *
 * @param principle the principle asked about; it must carry a comparison question
 * @param prompt the conversation both answers reply to (plain text or chat turns)
 * @param first the answer shown first, as option (A)
 * @param second the answer shown second, as option (B)
 * @param chainOfThought whether the judge reasons before answering (labels from such reasoning are clamped to
 *     [0.4, 0.6] by the labeller, as in Bai et al. 2022)
 */
public record Comparison(Principle principle, Text prompt, String first, String second, boolean chainOfThought) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null field and {@link IllegalArgumentException}
   * for a principle without a comparison question.
   *
   * @param principle not null, with a comparison question
   * @param prompt not null
   * @param first not null
   * @param second not null
   * @param chainOfThought either
   */
  public Comparison {
    checkNotNull(principle, "principle");
    checkArgument(principle.canCompare(), "principle %s has no comparison question", principle.id());
    checkNotNull(prompt, "prompt");
    checkNotNull(first, "first");
    checkNotNull(second, "second");
  }

  /**
   * The same question with the two answers in the other order.
   *
   * @return a comparison showing {@code second} as (A) and {@code first} as (B)
   */
  public Comparison swapped() {
    return new Comparison(principle, prompt, second, first, chainOfThought);
  }
}
