package dev.align4j.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.TokenBatch;
import java.util.List;

/**
 * A language-model policy π_θ: scores token sequences and samples completions.
 *
 * <p>Scoring runs under autograd when the caller has a gradient collector open, so trainers differentiate through
 * {@link #tokenLogProbs}. Log-probs recorded by {@link #generate} must equal what {@link #tokenLogProbs} computes for
 * the same tokens (to float tolerance); trainers check this at run time.
 */
public interface Policy {

  /**
   * Next-token log-probs of a padded batch.
   *
   * @param manager owns the returned arrays (a per-step manager, so memory stays flat)
   * @param batch the sequences
   * @return {@code (B, T−1)} where {@code T} is the padded width: entry {@code [b][t]} is
   *     {@code log π(x_{t+1} | x_{≤t})} of row {@code b} in its own coordinates (padding excluded, so left and right
   *     padding give the same numbers); 0 where {@code t+1} is padding
   */
  NDArray tokenLogProbs(NDManager manager, TokenBatch batch);

  /**
   * Samples one completion per prompt.
   *
   * @param prompts token ids of each prompt (different lengths allowed)
   * @param sampling the sampling settings
   * @param seed makes the draw reproducible
   * @return one completion per prompt, in order
   */
  List<Completion> generate(List<int[]> prompts, SamplingParams sampling, long seed);
}
