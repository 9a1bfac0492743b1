package dev.align4j.api;

import dev.align4j.api.data.CompletionSample;

/**
 * A programmatic or verifiable reward: an exact-match checker, a format check, a unit test run on generated code.
 * Several functions combine with weights in the RL trainers.
 */
@FunctionalInterface
public interface RewardFunction {
  /**
   * The reward of one completion.
   *
   * @param sample the prompt, the completion and the prompt's extra fields (e.g. {@code answer} for exact match)
   * @return a finite number; non-finite rewards are rejected by the trainers with the sample named
   */
  double reward(CompletionSample sample);

  /**
   * A name for metrics and logs; defaults to the class name.
   *
   * @return a short stable name; by default {@link Class#getSimpleName()}, which is synthetic for a lambda, so a
   *     lambda used as a reward function should be wrapped in a class or given a name by overriding this
   */
  default String name() {
    return getClass().getSimpleName();
  }
}
