package dev.align4j.core.model;

/**
 * Sees each token as generation picks it, together with the raw next-token logits it was picked from, and may end
 * the row there: how a chat model records OpenAI-style log-probs (under the untempered distribution, which the
 * sampler never exposes) and stops at a stop text, without a second forward pass.
 */
@FunctionalInterface
public interface TokenWatcher {
  /** Watches nothing and ends no row. */
  TokenWatcher NONE = (row, logits, offset, vocab, token) -> false;

  /**
   * Called once per generated token, EOS included, before the next forward pass.
   *
   * @param row the prompt's index in the batch
   * @param logits the batch's raw logits at the current step, {@code (B, V)} flattened; read only
   *     {@code logits[offset .. offset + vocab)}, this row's, and do not keep the array (the next step replaces it)
   * @param offset where this row's logits start, {@code row * vocab}
   * @param vocab the vocabulary size {@code V}
   * @param token the picked token id
   * @return true to end the row after this token (it stays the row's last token)
   */
  boolean picked(int row, float[] logits, int offset, int vocab, int token);
}
