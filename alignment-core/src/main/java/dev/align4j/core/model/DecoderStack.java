package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;

/** The body of a decoder-only transformer: embeddings, blocks, final norm. */
interface DecoderStack {
  /**
   * @param cache appended to when not null
   * @return {@code (B, T, E)} after the final norm
   */
  NDArray forward(ForwardInput in, KvCache cache);

  /** The token embedding, which a tied LM head reuses. */
  Parameter tokenEmbedding();

  /** Prefix of the stack's tensor names in a checkpoint ({@code model.} or {@code transformer.}). */
  String prefix();
}
