package dev.align4j.api;

import dev.align4j.api.data.CompletionSample;
import java.util.List;

/**
 * A learned scalar judge r_φ(x, y), e.g. a Bradley–Terry reward model read at the last token of prompt plus
 * completion. A proxy for what people want: RL that pushes hard on it finds its blind spots.
 */
public interface RewardModel {
  /**
   * Scores a batch of completions.
   *
   * @param samples the completions to score, each with its prompt and the prompt's extra fields
   * @return one finite score per sample, in order
   */
  double[] score(List<CompletionSample> samples);
}
