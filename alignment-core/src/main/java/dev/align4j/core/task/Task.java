package dev.align4j.core.task;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One instruction and its correct answer.
 *
 * @param family the family
 * @param prompt e.g. {@code reverse: abcd}
 * @param answer e.g. {@code dcba}
 */
public record Task(Family family, String prompt, String answer) {
  public Task {
    checkNotNull(family, "family");
    checkNotNull(prompt, "prompt");
    checkNotNull(answer, "answer");
  }

  /** The prompt as the model sees it: the instruction and a newline ({@code BOS prompt \n response EOS}). */
  public String promptText() {
    return prompt + "\n";
  }
}
