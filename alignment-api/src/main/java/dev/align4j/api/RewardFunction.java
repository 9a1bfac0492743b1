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
   * @return a finite number; non-finite rewards are rejected by the trainers with the sample named
   */
  double reward(CompletionSample sample);

  /** A name for metrics and logs; defaults to the class name. */
  default String name() {
    return getClass().getSimpleName();
  }
}
