package dev.align4j.core.train.internal;

import ai.djl.ndarray.NDManager;

/**
 * One micro-batch of an optimizer step. Its {@link #weight()} (sequences or tokens it averages over) decides its
 * share of the step, so that k micro-batches accumulate to the same gradient as one batch of all of them.
 */
public interface MicroBatch {
  /** How many units its loss averages over (sequences for per-sequence losses, tokens for token means). */
  double weight();

  /** Forward pass and loss, all arrays in {@code manager}. */
  LossAndMetrics compute(NDManager manager);
}
