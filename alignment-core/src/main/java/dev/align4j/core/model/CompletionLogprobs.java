package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import dev.align4j.api.Policy;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.api.data.TokenizedSequence;
import java.util.List;

/** Sequence log-probs of the targeted (completion) tokens: what DPO compares between policy and reference. */
public final class CompletionLogprobs {
  private CompletionLogprobs() {}

  /**
   * {@code Σ_t log π(x_t | x_{<t})} over the target tokens of each sequence, {@code (N)}, differentiable under an open
   * gradient collector.
   */
  public static NDArray sums(NDManager m, Policy policy, List<TokenizedSequence> seqs) {
    int[][] rows = new int[seqs.size()][];
    int width = 0;
    for (int i = 0; i < rows.length; i++) {
      rows[i] = seqs.get(i).ids();
      width = Math.max(width, rows[i].length);
    }
    float[] mask = new float[rows.length * (width - 1)];
    for (int i = 0; i < rows.length; i++) {
      boolean[] target = seqs.get(i).target();
      for (int t = 0; t + 1 < target.length; t++) {
        mask[i * (width - 1) + t] = target[t + 1] ? 1f : 0f;   // entry t predicts token t+1
      }
    }
    NDArray lp = policy.tokenLogProbs(m, new TokenBatch(rows, TokenBatch.Padding.RIGHT));     // (N, T−1)
    return lp.mul(m.create(mask, new Shape(rows.length, width - 1))).sum(new int[] {1});
  }

  /** Number of target tokens of each sequence. */
  public static float[] counts(List<TokenizedSequence> seqs) {
    float[] c = new float[seqs.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = seqs.get(i).targetCount();
    }
    return c;
  }
}
