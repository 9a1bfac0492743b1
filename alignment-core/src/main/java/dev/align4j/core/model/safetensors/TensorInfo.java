package dev.align4j.core.model.safetensors;

import java.util.Arrays;

/**
 * One header entry.
 *
 * @param name the tensor name
 * @param dtype the element type
 * @param shape the dimensions (empty for a scalar)
 * @param begin first byte, relative to the start of the data buffer
 * @param end one past the last byte
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
  /** Number of elements. */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** The shape as text, e.g. {@code [64, 100]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }
}
