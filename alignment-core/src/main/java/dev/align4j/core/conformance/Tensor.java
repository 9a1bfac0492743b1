package dev.align4j.core.conformance;

import java.util.Arrays;

/**
 * A dense row-major array read from a case, in double precision, with its shape ({@code []} for a scalar).
 *
 * @param data the elements in row-major order
 * @param shape the dimensions
 */
record Tensor(double[] data, int[] shape) {

  float[] toFloats() {
    float[] f = new float[data.length];
    for (int i = 0; i < data.length; i++) {
      f[i] = (float) data[i];
    }
    return f;
  }

  int[] toInts() {
    int[] r = new int[data.length];
    for (int i = 0; i < data.length; i++) {
      r[i] = (int) data[i];
    }
    return r;
  }

  long[] longShape() {
    return Arrays.stream(shape).asLongStream().toArray();
  }

  int dim(int i) {
    return shape[i];
  }

  int rank() {
    return shape.length;
  }

  static Tensor ofFloats(float[] values, int... shape) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i];
    }
    return new Tensor(d, shape);
  }

  static Tensor ofInts(int[] values, int... shape) {
    double[] d = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = values[i];
    }
    return new Tensor(d, shape);
  }

  static Tensor scalar(double v) {
    return new Tensor(new double[] {v}, new int[0]);
  }
}
