package dev.align4j.core.model;

import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;

/** Scaled dot-product attention with grouped key/value heads (Ainslie et al. 2023). */
final class Attention {
  private Attention() {}

  /**
   * @param q {@code (B, H, T, d)}
   * @param k {@code (B, H_kv, S, d)}
   * @param v {@code (B, H_kv, S, d)}
   * @param mask {@code (B, 1, 1, T, S)} additive
   * @param scale multiplies the scores (1/√d)
   * @return {@code (B, T, H·d)}, heads concatenated in order
   */
  static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, double scale) {
    long b = q.getShape().get(0);
    long h = q.getShape().get(1);
    long t = q.getShape().get(2);
    long d = q.getShape().get(3);
    long hkv = k.getShape().get(1);
    long g = h / hkv;
    // query head j uses key/value head j / g: view queries as (B, H_kv, g, T, d) and broadcast k, v over g
    NDArray qg = mul(q, scale).reshape(b, hkv, g, t, d);
    NDArray scores = qg.matMul(k.expandDims(2).swapAxes(3, 4)).add(mask);   // (B, H_kv, g, T, S)
    NDArray p = scores.softmax(4);
    NDArray out = p.matMul(v.expandDims(2));                                 // (B, H_kv, g, T, d)
    return out.reshape(b, h, t, d).transpose(0, 2, 1, 3).reshape(b, t, h * d);
  }

  /** {@code (B, T, H·d)} → {@code (B, H, T, d)}. */
  static NDArray splitHeads(NDArray x, long heads, long headDim) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
  }
}
