package dev.align4j.core.kernel;

/**
 * Scalar row kernels over softmax distributions, one pass per row with an online log-sum-exp (Milakov and
 * Gimelshein 2018): the running maximum {@code m} and the sum {@code s = Σ e^{x−m}} are rescaled whenever a larger
 * logit arrives, so no logit is read twice and no exponent overflows. Accumulation is in double.
 *
 * <p>These are the reference implementations the fast paths must equal.
 */
final class SoftmaxRows {
  private SoftmaxRows() {}

  /**
   * {@code x[token] − logsumexp(x)} of one row, {@code x = logits[off..off+vocab) · invTemperature}.
   */
  static float tokenLogprob(float[] logits, int off, int vocab, int token, float invTemperature) {
    double m = Double.NEGATIVE_INFINITY;
    double s = 0;
    for (int v = 0; v < vocab; v++) {
      double x = logits[off + v] * invTemperature;
      if (x > m) {
        s = s * Math.exp(m - x) + 1;
        m = x;
      } else {
        s += Math.exp(x - m);
      }
    }
    double x = logits[off + token] * invTemperature;
    return (float) (x - m - Math.log(s));
  }

  /**
   * Entropy {@code −Σ p log p} of one row. With {@code s = Σ e^{x−m}} and {@code u = Σ e^{x−m}(x−m)} the entropy is
   * {@code log s − u/s}; keeping {@code x − m} instead of {@code x} avoids the cancellation of
   * {@code logsumexp(x) − Σ p·x} at large logits. When the maximum moves from {@code m} to {@code m'},
   * {@code s ← c·s} and {@code u ← c·(u + (m − m')·s)} with {@code c = e^{m−m'}}.
   */
  static float entropy(float[] logits, int off, int vocab, float invTemperature) {
    double m = Double.NEGATIVE_INFINITY;
    double s = 0;
    double u = 0;
    for (int v = 0; v < vocab; v++) {
      double x = logits[off + v] * invTemperature;
      if (x > m) {
        if (s != 0) {
          double c = Math.exp(m - x);
          u = c * (u + (m - x) * s);
          s = c * s;
        }
        s += 1; // the new maximum contributes e^0 = 1 and (x − m') = 0
        m = x;
      } else {
        double d = x - m;
        double e = Math.exp(d);
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
    double mx = Double.NEGATIVE_INFINITY;
    double sx = 0;
    double my = Double.NEGATIVE_INFINITY;
    double sy = 0;
    double w = 0;
    for (int v = 0; v < vocab; v++) {
      double x = logits[off + v];
      double y = refLogits[off + v];
      if (y > my) {
        if (sy != 0) {
          sy *= Math.exp(my - y);
          w += (y - my) * sx; // every b = y − m_y drops by (y − my): (a − b) grows by that, weighted by s_x
        }
        sy += 1;
        my = y;
      } else {
        sy += Math.exp(y - my);
      }
      if (x > mx) {
        if (sx != 0) {
          double c = Math.exp(mx - x);
          w = c * (w + (mx - x) * sx);
          sx *= c;
        }
        sx += 1;
        mx = x;
        w += 0 - (y - my); // e^0 · (a − b) with a = 0
      } else {
        double a = x - mx;
        double e = Math.exp(a);
        sx += e;
        w += e * (a - (y - my));
      }
    }
    return (float) (w / sx - Math.log(sx) + Math.log(sy));
  }
}
