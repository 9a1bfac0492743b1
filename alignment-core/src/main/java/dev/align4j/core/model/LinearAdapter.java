package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/** Replaces what a {@link Linear} computes: a LoRA branch beside it, or a trainable copy in its place. */
@FunctionalInterface
public interface LinearAdapter {
  /**
   * @param x {@code (..., in)}
   * @param base the module's own {@code x·W + b}
   * @return {@code (..., out)}
   */
  NDArray forward(NDArray x, UnaryOperator<NDArray> base);
}
