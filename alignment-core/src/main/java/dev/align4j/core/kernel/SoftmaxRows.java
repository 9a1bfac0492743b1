package dev.align4j.core.kernel;

/**
 * Scalar row kernels over softmax distributions, one pass per row with an online log-sum-exp (Milakov and
 * Gimelshein 2018): the running maximum {@code m} and the sum {@code s = Σ e^{x−m}} are rescaled whenever a larger
 * logit arrives, so no logit is read twice and no exponent overflows.
 *
 * <p>Each term {@code e^{x−m}} is a float {@link FloatExp#exp} (within 2 ulp); sums and the final logarithms are
 * in double, and the rare rescaling factors use {@link Math#exp}. These are the reference implementations the
 * Vector API path must equal (within the conformance tolerances; {@code VectorPathProperties} checks it on
 * vocabularies up to 50k).
 */
final class SoftmaxRows {
  private SoftmaxRows() {}

  /**
   * {@code x[token] − logsumexp(x)} of one row, {@code x = logits[off..off+vocab) · invTemperature}.
   */
  static float tokenLogprob(float[] logits, int off, int vocab, int token, float invTemperature) {
    float m = logits[off] * invTemperature;
    double s = 1;
    for (int v = 1; v < vocab; v++) {
      float x = logits[off + v] * invTemperature;
      if (x > m) {
        s = s * Math.exp((double) m - x) + 1;
        m = x;
      } else {
        s += FloatExp.expNonPositive(x - m);
      }
    }
    float x = logits[off + token] * invTemperature;
    return (float) ((double) x - m - Math.log(s));
  }

  /**
   * Entropy {@code −Σ p log p} of one row. With {@code s = Σ e^{x−m}} and {@code u = Σ e^{x−m}(x−m)} the entropy is
   * {@code log s − u/s}; keeping {@code x − m} instead of {@code x} avoids the cancellation of
   * {@code logsumexp(x) − Σ p·x} at large logits. When the maximum moves from {@code m} to {@code m'},
   * {@code s ← c·s} and {@code u ← c·(u + (m − m')·s)} with {@code c = e^{m−m'}}.
   */
  static float entropy(float[] logits, int off, int vocab, float invTemperature) {
    float m = logits[off] * invTemperature;
    double s = 1; // the first logit is the first maximum: e^0 = 1, and it adds 0·1 to u
    double u = 0;
    for (int v = 1; v < vocab; v++) {
      float x = logits[off + v] * invTemperature;
      if (x > m) {
        double d = (double) m - x;
        double c = Math.exp(d);
        u = c * (u + d * s);
        s = c * s + 1;
        m = x;
      } else {
        float d = x - m;
        float e = FloatExp.expNonPositive(d);
        s += e;
        u += e * d;
      }
    }
    return (float) (Math.log(s) - u / s);
  }

  /**
   * {@code KL(p ‖ q) = Σ p (log p − log q)} of one pair of rows in one pass over both.
   *
   * <p>With {@code a = x − m_x}, {@code b = y − m_y}: {@code KL = Σ e^a (a − b) / s_x − log s_x + log s_y}. The
   * weighted sum {@code w = Σ e^a (a − b)} is rescaled as in {@link #entropy} when either maximum moves:
   * a new {@code m_x} multiplies by {@code c} and shifts {@code a} by {@code m − m'}; a new {@code m_y} only shifts
   * {@code b}, which adds {@code (m_y' − m_y)·s_x}.
   */
  static float fullKl(float[] logits, float[] refLogits, int off, int vocab) {
    float mx = logits[off];
    float my = refLogits[off];
    double sx = 1;
    double sy = 1;
    double w = 0; // the first element: a = b = 0
    for (int v = 1; v < vocab; v++) {
      float x = logits[off + v];
      float y = refLogits[off + v];
      if (y > my) {
        sy = sy * Math.exp((double) my - y) + 1;
        w += ((double) y - my) * sx; // every b = y − m_y drops by (y − my): (a − b) grows by that, weighted by s_x
        my = y;
      } else {
        sy += FloatExp.expNonPositive(y - my);
      }
      float b = y - my;
      if (x > mx) {
        double d = (double) mx - x;
        double c = Math.exp(d);
        w = c * (w + d * sx) - b; // the new maximum: e^0 · (0 − b)
        sx = c * sx + 1;
        mx = x;
      } else {
        float a = x - mx;
        float e = FloatExp.expNonPositive(a);
        sx += e;
        w += e * (a - b);
      }
    }
    return (float) (w / sx - Math.log(sx) + Math.log(sy));
  }
}
