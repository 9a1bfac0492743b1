package dev.align4j.core.chatmodel;

import dev.align4j.api.judge.TokenLogprob;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A generated token's entry in OpenAI's {@code logprobs.content}: its log-probability under the raw next-token
 * distribution {@code log_softmax(logits)} (no temperature, no top-p: what OpenAI reports whatever the sampling
 * settings, and what a judge reads option probabilities from) and the {@code k} most likely tokens.
 *
 * <p>The plain version it must equal: {@code logits.logSoftmax(-1)} at that position, then a descending sort. Ties
 * keep the lower id first, as {@code argmax} and the greedy sampler do, so the greedy token is always the first
 * alternative.
 */
final class RawLogprobs {
  private RawLogprobs() {}

  /**
   * @param logits a batch's logits; this row's {@code V} values start at {@code offset}
   * @param token the generated token
   * @param k alternatives to list, 0 for none
   * @param text the text of a single token id
   */
  static TokenLogprob of(float[] logits, int offset, int vocab, int token, int k, IntFunction<String> text) {
    // log Z = max + log Σ exp(x − max): one pass for the max, one for the sum, in double (no overflow at ±1e4)
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, logits[offset + v]);
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += Math.exp(logits[offset + v] - max);
    }
    double logZ = max + Math.log(sum);
    int[] top = topK(logits, offset, vocab, Math.min(k, vocab));
    List<TokenLogprob.Alternative> alternatives = new ArrayList<>(top.length);
    for (int id : top) {
      alternatives.add(new TokenLogprob.Alternative(text.apply(id), logits[offset + id] - logZ));
    }
    return new TokenLogprob(text.apply(token), logits[offset + token] - logZ, alternatives);
  }

  /** Ids of the {@code k} largest logits, largest first, lower id first among equals; O(V·k) with k ≤ 20. */
  static int[] topK(float[] logits, int offset, int vocab, int k) {
    int[] ids = new int[k];
    if (k == 0) {
      return ids;
    }
    int filled = 0;
    for (int v = 0; v < vocab; v++) {
      float x = logits[offset + v];
      if (filled == k && !(x > logits[offset + ids[k - 1]])) {
        continue; // not strictly above the smallest kept: an equal logit with a higher id stays out
      }
      int at = filled == k ? k - 1 : filled++;
      while (at > 0 && x > logits[offset + ids[at - 1]]) {
        ids[at] = ids[at - 1];
        at--;
      }
      ids[at] = v;
    }
    return ids;
  }
}
