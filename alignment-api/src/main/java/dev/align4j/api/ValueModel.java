package dev.align4j.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.TokenBatch;

/** PPO's critic V(s_t): a value per token position, trained toward GAE returns. */
public interface ValueModel {
  /**
   * Values of a padded batch.
   *
   * @param manager owns the returned array
   * @param batch the sequences, padded as for {@link Policy#tokenLogProbs}
   * @return {@code (B, T−1)} aligned with {@link Policy#tokenLogProbs}: entry {@code [b][t]} is the value of the
   *     state before token {@code t+1}; 0 on padding. Differentiable under an open gradient collector.
   */
  NDArray values(NDManager manager, TokenBatch batch);
}
