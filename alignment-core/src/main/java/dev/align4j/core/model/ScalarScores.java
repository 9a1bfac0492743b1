package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.data.TokenBatch;

/** A scalar-head model read at each row's last real token: a reward model's score per sequence. */
public final class ScalarScores {
  private ScalarScores() {}

  /**
   * Scores of right-padded {@code rows}, {@code (B)}, differentiable under an open gradient collector.
   *
   * @param padId the padding id
   */
  public static NDArray of(NDManager m, TransformerModel model, int[][] rows, int padId) {
    PaddedBatch pb = PaddedBatch.of(m, new TokenBatch(rows, TokenBatch.Padding.RIGHT), padId,
        model.config().slidingWindow());
    NDArray perToken = model.scalars(model.hidden(pb.input(), null));                  // (B, T)
    long[] last = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      last[i] = rows[i].length - 1;
    }
    NDArray idx = m.create(last, new Shape(rows.length, 1));
    return perToken.gather(idx.toType(DataType.INT64, false), 1).squeeze(1);
  }
}
