package dev.align4j.core.model;

import java.util.OptionalInt;

/** The hyper-parameters of a supported architecture, read from {@code config.json}. */
public sealed interface ModelConfig permits LlamaConfig, Gpt2Config {
  /** Vocabulary size (rows of the embedding). */
  int vocabSize();

  /** Width of the residual stream. */
  int hiddenSize();

  /** Number of transformer blocks. */
  int numLayers();

  /** Longest sequence the position scheme supports. */
  int maxPositions();

  /** Whether the LM head shares the token embedding. */
  boolean tieWordEmbeddings();

  /** {@code bos_token_id}, when the config names one. */
  OptionalInt bosTokenId();

  /** {@code eos_token_id} (the first one when the config lists several). */
  OptionalInt eosTokenId();

  /** {@code model_type} as written in config.json. */
  String modelType();

  /**
   * The attention window in tokens (Mistral-style {@code sliding_window}); 0 for full causal attention. Every forward
   * pass applies it, training and generation alike, so the log-probs of both agree on sequences longer than it.
   */
  default int slidingWindow() {
    return 0;
  }
}
