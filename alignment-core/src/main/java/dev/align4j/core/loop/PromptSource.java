package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;

import dev.align4j.api.data.Prompt;
import java.io.IOException;
import java.util.List;

/**
 * Where each iteration's fresh prompts come from: disjoint slices of a file by default, or a user hook over
 * production traffic. The loop writes what it got to {@code OUT/iter-K/prompts.jsonl} and reads that file on a
 * rerun, so a source need not repeat itself.
 */
@FunctionalInterface
public interface PromptSource {
  /**
   * The prompts of one iteration.
   *
   * @param iteration the iteration, 1-based
   * @param count how many prompts the iteration wants
   * @return exactly {@code count} prompts
   * @throws IOException when the source cannot be read
   */
  List<Prompt> next(int iteration, int count) throws IOException;

  /**
   * Consecutive disjoint slices: iteration k gets prompts {@code (k−1)·count … k·count − 1}, so no prompt is
   * seen twice and every iteration's prompts are fresh to the reward model.
   *
   * @param prompts the whole pool, in order; copied
   * @return a source that fails, naming how many prompts the run needs, once the pool runs out
   */
  static PromptSource slices(List<Prompt> prompts) {
    List<Prompt> pool = List.copyOf(prompts);
    return (iteration, count) -> {
      checkArgument(iteration >= 1 && count >= 1, "iteration and count must be >= 1, got %s and %s", iteration,
          count);
      long end = (long) iteration * count;
      checkArgument(end <= pool.size(), "the prompt file has %s prompts but iteration %s of %s prompts per"
          + " iteration needs %s (disjoint slices); give more prompts or lower prompts-per-iteration or iterations",
          pool.size(), iteration, count, end);
      return pool.subList((int) (end - count), (int) end);
    };
  }
}
