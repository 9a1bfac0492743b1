package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/** A lookup table {@code (rows, width)}; the result lives with the indices, not with the table. */
final class Embedding {
  private final Parameter weight;

  Embedding(Parameter weight) {
    this.weight = weight;
  }

  Parameter weight() {
    return weight;
  }

  /** ids {@code (B, T)} int64 → {@code (B, T, width)}. */
  NDArray forward(NDArray ids) {
    return lookup(ids, weight.value());
  }

  /** Rows of {@code table} picked by {@code ids}, differentiable in the table. */
  static NDArray lookup(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }
}
