package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding in Hugging Face's rotate-half layout: dimension {@code i} rotates with {@code i + d/2}
 * (not Meta's interleaved pairs, which silently give wrong numbers on HF weights).
 *
 * <p>{@code out = x·cos + rotate_half(x)·sin}, {@code rotate_half(x) = (−x₂, x₁)}. The tables are built in double and
 * rounded once; {@code rotate_half} is a product with a fixed signed permutation matrix, one op instead of four.
 */
final class Rope {
  private final NDArray cos;     // (maxPositions, d)
  private final NDArray sin;     // (maxPositions, d)
  private final NDArray rotate;  // (d, d): x·R = (−x₂, x₁)

  Rope(NDManager manager, int headDim, double theta, RopeScaling scaling, int maxPositions) {
    int half = headDim / 2;
    double[] invFreq = new double[half];
    for (int i = 0; i < half; i++) {
      invFreq[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
    }
    scaling.apply(invFreq, headDim);
    float[] c = new float[maxPositions * headDim];
    float[] s = new float[maxPositions * headDim];
    for (int p = 0; p < maxPositions; p++) {
      for (int i = 0; i < half; i++) {
        double angle = p * invFreq[i];
        float ci = (float) Math.cos(angle);
        float si = (float) Math.sin(angle);
        c[p * headDim + i] = ci;
        c[p * headDim + i + half] = ci;
        s[p * headDim + i] = si;
        s[p * headDim + i + half] = si;
      }
    }
    float[] r = new float[headDim * headDim];
    for (int i = 0; i < half; i++) {
      r[(i + half) * headDim + i] = -1f; // out[i] = −x[i + d/2]
      r[i * headDim + i + half] = 1f;    // out[i + d/2] = x[i]
    }
    this.cos = manager.create(c, new Shape(maxPositions, headDim));
    this.sin = manager.create(s, new Shape(maxPositions, headDim));
    this.rotate = manager.create(r, new Shape(headDim, headDim));
  }

  /**
   * The cos and sin rows of the given positions, shaped to broadcast over heads.
   *
   * @param positions {@code (B, T)} int64
   * @return {@code [cos, sin]}, each {@code (B, 1, T, d)}
   */
  NDArray[] tables(NDArray positions) {
    return new NDArray[] {Embedding.lookup(positions, cos).expandDims(1),
        Embedding.lookup(positions, sin).expandDims(1)};
  }

  /** x {@code (B, H, T, d)} rotated by the tables of {@link #tables}. */
  NDArray apply(NDArray x, NDArray[] tables) {
    return x.mul(tables[0]).add(x.matMul(rotate).mul(tables[1]));
  }
}
