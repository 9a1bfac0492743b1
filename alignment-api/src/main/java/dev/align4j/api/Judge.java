package dev.align4j.api;

/**
 * Compares two answers to a prompt: a simulated labeller, a rule-following constitutional judge, or a chat model
 * asked against written principles. The source of preference labels in RLHF and Constitutional AI.
 */
@FunctionalInterface
public interface Judge {
  /**
   * The probability that {@code first} is the better answer to {@code prompt}.
   *
   * @param prompt the prompt both answers reply to
   * @param first the answer whose win probability is returned
   * @param second the answer it is compared with
   * @return a number in [0, 1]
   */
  double preferFirst(String prompt, String first, String second);
}
