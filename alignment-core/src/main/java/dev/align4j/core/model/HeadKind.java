package dev.align4j.core.model;

/** What sits on top of the transformer body. */
public enum HeadKind {
  /** The LM head: logits over the vocabulary per position (policy and reference; {@code …ForCausalLM}). */
  LANGUAGE_MODEL,
  /**
   * A linear map to one number per position ({@code score.weight}, {@code …ForSequenceClassification} with
   * {@code num_labels} 1): a reward model reads it at the last real token, a value model at every token.
   */
  SCALAR
}
