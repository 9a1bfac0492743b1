package dev.align4j.core.kernel;

import dev.align4j.api.kernel.KlEstimator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link KernelLoops} (JEP 414, {@code jdk.incubator.vector}); each method must equal its
 * {@link ScalarLoops} twin within the conformance tolerances ({@code VectorPathProperties} checks them against each
 * other and against a float64 reference).
 *
 * <p><b>Softmax rows</b> stream through the registers once. Every lane adds {@code e^{x−m}} into its own float sum,
 * with no branch in the loop, {@code m} being the row's first logit. {@code m} need not be the maximum: a term with
 * {@code x} above {@code m} is still exact while it is finite, and log-sum-exp comes out of any reference as
 * {@code m + log Σ e^{x−m}}. Only a logit about 88 above the first one overflows a term; the row's sums then come
 * out non-finite, and that (rare) row is summed again against its true maximum, found by a second vector pass. NaN
 * and infinite logits end in the scalar code, which defines what they give. Logits narrower than a vector, and the
 * last {@code vocab mod L} of a row, continue in scalar code from the vector sums, in double.
 *
 * <p>Four JDK 17 C2 behaviours shaped the code, each measured at 2–7× (see the package documentation): a method
 * call anywhere in a vector loop, even on a branch never taken, makes C2 materialise the live vectors, so the loops
 * have no branch; a loop-carried vector that starts from a {@code static final} vector is boxed on every iteration,
 * so sums start from {@link FloatVector#zero}; the scalar-argument forms ({@code v.mul(2f)}) broadcast inside the
 * loop, so constants are hoisted vectors; and a method whose inlined Vector API calls exceed C2's node budget
 * compiles with some vector intrinsics failed, at random from run to run, so each row's vector loop is a small
 * method of its own ({@link #expSums}, {@link #entropySums}, {@link #klSums}) that takes and returns only scalars.
 */
final class VectorLoops implements KernelLoops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  // e^{−a}, see expNeg: FloatExp's reduction and polynomial with the signs of the odd coefficients flipped.
  private static final IntVector MIN_T_BITS = IntVector.broadcast(S.withLanes(int.class),
      Float.floatToRawIntBits(FloatExp.ROUND) - 127);
  private static final IntVector MAX_T_BITS = IntVector.broadcast(S.withLanes(int.class),
      Float.floatToRawIntBits(FloatExp.ROUND) + 128);
  private static final IntVector SHIFT = IntVector.broadcast(S.withLanes(int.class), 23);
  private static final IntVector BIAS = IntVector.broadcast(S.withLanes(int.class), FloatExp.BIAS_BITS);
  private static final FloatVector NEG_LOG2E = FloatVector.broadcast(S, -FloatExp.LOG2E);
  private static final FloatVector ROUND = FloatVector.broadcast(S, FloatExp.ROUND);
  private static final FloatVector LN2_HI = FloatVector.broadcast(S, FloatExp.LN2_HI);
  private static final FloatVector LN2_LO = FloatVector.broadcast(S, FloatExp.LN2_LO);
  private static final FloatVector Q0 = FloatVector.broadcast(S, -FloatExp.P0);
  private static final FloatVector Q1 = FloatVector.broadcast(S, FloatExp.P1);
  private static final FloatVector Q2 = FloatVector.broadcast(S, -FloatExp.P2);
  private static final FloatVector Q3 = FloatVector.broadcast(S, FloatExp.P3);
  private static final FloatVector Q4 = FloatVector.broadcast(S, -FloatExp.P4);
  private static final FloatVector Q5 = FloatVector.broadcast(S, FloatExp.P5);
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private static final FloatVector HALF = FloatVector.broadcast(S, 0.5f);
  private static final FloatVector ZERO = FloatVector.zero(S);
  /** {@code 1/k!}, the Taylor coefficients of {@link #k3}. */
  private static final FloatVector F11 = FloatVector.broadcast(S, 1f / 39916800f);
  private static final FloatVector F10 = FloatVector.broadcast(S, 1f / 3628800f);
  private static final FloatVector F9 = FloatVector.broadcast(S, 1f / 362880f);
  private static final FloatVector F8 = FloatVector.broadcast(S, 1f / 40320f);
  private static final FloatVector F7 = FloatVector.broadcast(S, 1f / 5040f);
  private static final FloatVector F6 = FloatVector.broadcast(S, 1f / 720f);
  private static final FloatVector F5 = FloatVector.broadcast(S, 1f / 120f);
  private static final FloatVector F4 = FloatVector.broadcast(S, 1f / 24f);
  private static final FloatVector F3 = FloatVector.broadcast(S, 1f / 6f);

  /** Per-thread scratch for the sums a row's vector loop hands back (no allocation per call). */
  private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[3]);

  /** Loaded by name from {@link VectorApi}. */
  public VectorLoops() {
    if (L < 8) {
      throw new UnsupportedOperationException("the preferred vector shape holds " + L
          + " floats; the Vector API path needs at least 8 (AVX2, AVX-512 or SVE of 256 bits and up)");
    }
  }

  /**
   * {@code e^{−a}}: within 2 ulp for {@code −88.7 < a < 88}, exactly 0 from {@code a ≥ 88} up to about 1e20, +∞ for
   * {@code a ≤ −88.7}; NaN for NaN, ±∞ and larger magnitudes. The callers treat a non-finite block sum as "re-read
   * this block", so the result only has to be right or visibly wrong.
   *
   * <p>{@code n = round(−a·log2 e)} is read from the low mantissa bits of {@code t = −a·log2 e + 1.5·2^23}; the
   * exponent field is {@code n + 127} clamped to {@code [0, 255]} on t's bits, so 0 and +∞ come out of the same
   * shift. Both clamps are integer min/max (t is positive throughout the useful range, where float bits order like
   * the floats), one instruction each; Java-semantics float min/max cost about six. Only two bit reinterpretations:
   * each is a separate intrinsic, and a loop body with many of them has been seen to exhaust C2's node budget.
   */
  static FloatVector expNeg(FloatVector a) {
    FloatVector t = a.fma(NEG_LOG2E, ROUND);
    FloatVector n = t.sub(ROUND);
    FloatVector r = n.fma(LN2_HI, a); // r = a + n·ln2 = −(reduced argument), |r| ≤ ln2/2
    r = n.fma(LN2_LO, r);
    FloatVector q = r.fma(Q0, Q1);
    q = q.fma(r, Q2);
    q = q.fma(r, Q3);
    q = q.fma(r, Q4);
    q = q.fma(r, Q5);
    FloatVector e = q.fma(r.mul(r), ONE).sub(r); // e^{−r} = 1 − r + r²·q(r)
    IntVector biased = t.reinterpretAsInts().max(MIN_T_BITS).min(MAX_T_BITS);
    return e.mul(biased.lanewise(VectorOperators.LSHL, SHIFT).add(BIAS).reinterpretAsFloats());
  }

  @Override
  public void tokenLogprobs(float[] logits, int[] tokens, int vocab, float invTemperature, int from, int to,
      float[] out) {
    float[] sums = SUMS.get();
    for (int r = from; r < to; r++) {
      out[r] = tokenLogprob(logits, r * vocab, vocab, tokens[r], invTemperature, sums);
    }
  }

  @Override
  public void entropy(float[] logits, int vocab, float invTemperature, int from, int to, float[] out) {
    float[] sums = SUMS.get();
    for (int r = from; r < to; r++) {
      out[r] = entropy(logits, r * vocab, vocab, invTemperature, sums);
    }
  }

  @Override
  public void fullKl(float[] logits, float[] refLogits, int vocab, int from, int to, float[] out) {
    float[] sums = SUMS.get();
    for (int r = from; r < to; r++) {
      out[r] = fullKl(logits, refLogits, r * vocab, vocab, sums);
    }
  }

  /** The largest of {@code x[from..to)·scale} ({@code to − from} a multiple of the lane count); NaN if any is. */
  private static float max(float[] x, int from, int to, float scale) {
    FloatVector t = FloatVector.broadcast(S, scale);
    FloatVector m = FloatVector.fromArray(S, x, from).mul(t);
    for (int j = from + L; j < to; j += L) {
      m = m.max(FloatVector.fromArray(S, x, j).mul(t));
    }
    return m.reduceLanes(VectorOperators.MAX);
  }

  /** {@code Float.isFinite} without a call: a call C2 declines to inline is a cost in the row methods. */
  private static boolean finite(float v) {
    return v - v == 0f;
  }

  /** See {@link SoftmaxRows#tokenLogprob}: {@code s = Σ e^{x−m}}, then {@code x[token] − m − log s}. */
  static float tokenLogprob(float[] a, int off, int vocab, int token, float invT, float[] sums) {
    int vecEnd = off + vocab - vocab % L;
    if (vecEnd == off) {
      return SoftmaxRows.tokenLogprob(a, off, vocab, token, invT);
    }
    float m = a[off] * invT;
    if (!expSums(a, off, vecEnd, invT, m, sums)) {
      m = max(a, off, vecEnd, invT); // a logit 88 above the first: sum again against the row maximum
      if (!expSums(a, off, vecEnd, invT, m, sums)) {
        return SoftmaxRows.tokenLogprob(a, off, vocab, token, invT); // NaN or ±∞ logits
      }
    }
    double s = sums[0];
    for (int i = vecEnd; i < off + vocab; i++) {
      float x = a[i] * invT;
      if (x > m) {
        s = s * Math.exp((double) m - x) + 1;
        m = x;
      } else {
        s += FloatExp.exp(x - m);
      }
    }
    return (float) ((double) (a[off + token] * invT) - m - Math.log(s));
  }

  /**
   * {@code sums[0] = Σ e^{x−m}} and {@code sums[1] = Σ e^{x−m}·(m − x)} over {@code x = a[from..to)·invT}, per lane
   * in float, reduced at the end; false when either is not finite. The row methods only pass scalars in and out of
   * this loop, so the compiler may inline it or not without boxing a vector.
   */
  private static boolean expSums(float[] a, int from, int to, float invT, float m, float[] sums) {
    FloatVector t = FloatVector.broadcast(S, invT);
    FloatVector mv = FloatVector.broadcast(S, m);
    FloatVector s = FloatVector.zero(S);
    for (int j = from; j < to; j += L) {
      s = s.add(expNeg(mv.sub(FloatVector.fromArray(S, a, j).mul(t))));
    }
    float ss = s.reduceLanes(VectorOperators.ADD);
    sums[0] = ss;
    return finite(ss);
  }

  /** Like {@link #expSums}, plus {@code sums[1] = Σ e^{−d}·d}, {@code d = m − x}. */
  private static boolean entropySums(float[] a, int from, int to, float invT, float m, float[] sums) {
    FloatVector t = FloatVector.broadcast(S, invT);
    FloatVector mv = FloatVector.broadcast(S, m);
    FloatVector s = FloatVector.zero(S);
    FloatVector u = FloatVector.zero(S);
    for (int j = from; j < to; j += L) {
      FloatVector d = mv.sub(FloatVector.fromArray(S, a, j).mul(t));
      FloatVector e = expNeg(d);
      s = s.add(e);
      u = e.fma(d, u);
    }
    float ss = s.reduceLanes(VectorOperators.ADD);
    float uu = u.reduceLanes(VectorOperators.ADD);
    sums[0] = ss;
    sums[1] = uu;
    return finite(ss) && finite(uu);
  }

  /**
   * See {@link SoftmaxRows#entropy}; here {@code d = m − x}, {@code s = Σ e^{−d}}, {@code u = Σ e^{−d}·d}, and the
   * entropy is {@code log s + u/s} whatever the reference {@code m}.
   */
  static float entropy(float[] a, int off, int vocab, float invT, float[] sums) {
    int vecEnd = off + vocab - vocab % L;
    if (vecEnd == off) {
      return SoftmaxRows.entropy(a, off, vocab, invT);
    }
    float m = a[off] * invT;
    if (!entropySums(a, off, vecEnd, invT, m, sums)) {
      m = max(a, off, vecEnd, invT);
      if (!entropySums(a, off, vecEnd, invT, m, sums)) {
        return SoftmaxRows.entropy(a, off, vocab, invT);
      }
    }
    double s = sums[0];
    double u = sums[1];
    for (int i = vecEnd; i < off + vocab; i++) {
      float x = a[i] * invT;
      if (x > m) {
        double delta = (double) x - m;
        double c = Math.exp(-delta);
        u = c * (u + delta * s); // the new maximum itself adds e^0·0 to u
        s = c * s + 1;
        m = x;
      } else {
        float d = m - x;
        float e = FloatExp.exp(-d);
        s += e;
        u += e * d;
      }
    }
    return (float) (Math.log(s) + u / s);
  }

  /**
   * {@code sums = [Σ e^{−A}, Σ e^{−B}, Σ e^{−A}(B − A)]} with {@code A = m_x − x}, {@code B = m_y − y} over
   * {@code [from, to)}; false when any is not finite.
   */
  private static boolean klSums(float[] xs, float[] ys, int from, int to, float mx, float my, float[] sums) {
    FloatVector mxv = FloatVector.broadcast(S, mx);
    FloatVector myv = FloatVector.broadcast(S, my);
    FloatVector sx = FloatVector.zero(S);
    FloatVector sy = FloatVector.zero(S);
    FloatVector w = FloatVector.zero(S);
    for (int j = from; j < to; j += L) {
      FloatVector a = mxv.sub(FloatVector.fromArray(S, xs, j));
      FloatVector b = myv.sub(FloatVector.fromArray(S, ys, j));
      FloatVector ex = expNeg(a);
      sx = sx.add(ex);
      sy = sy.add(expNeg(b));
      w = ex.fma(b.sub(a), w);
    }
    float ssx = sx.reduceLanes(VectorOperators.ADD);
    float ssy = sy.reduceLanes(VectorOperators.ADD);
    float ww = w.reduceLanes(VectorOperators.ADD);
    sums[0] = ssx;
    sums[1] = ssy;
    sums[2] = ww;
    return finite(ssx) && finite(ssy) && finite(ww);
  }

  /**
   * See {@link SoftmaxRows#fullKl}; here {@code A = m_x − x}, {@code B = m_y − y}, and
   * {@code KL = w/s_x − log s_x + log s_y} whatever the references.
   */
  static float fullKl(float[] xs, float[] ys, int off, int vocab, float[] sums) {
    int vecEnd = off + vocab - vocab % L;
    if (vecEnd == off) {
      return SoftmaxRows.fullKl(xs, ys, off, vocab);
    }
    float mx = xs[off];
    float my = ys[off];
    if (!klSums(xs, ys, off, vecEnd, mx, my, sums)) {
      mx = max(xs, off, vecEnd, 1f);
      my = max(ys, off, vecEnd, 1f);
      if (!klSums(xs, ys, off, vecEnd, mx, my, sums)) {
        return SoftmaxRows.fullKl(xs, ys, off, vocab);
      }
    }
    double sx = sums[0];
    double sy = sums[1];
    double w = sums[2];
    for (int i = vecEnd; i < off + vocab; i++) {
      float x = xs[i];
      float y = ys[i];
      if (y > my) {
        double dy = (double) y - my;
        sy = sy * Math.exp(-dy) + 1;
        w += dy * sx;
        my = y;
      } else {
        sy += FloatExp.exp(y - my);
      }
      float b = my - y;
      if (x > mx) {
        double dx = (double) x - mx;
        double c = Math.exp(-dx);
        w = c * (w - dx * sx) + b; // the new maximum: e^0·(B − 0)
        sx = c * sx + 1;
        mx = x;
      } else {
        float a = mx - x;
        float e = FloatExp.exp(-a);
        sx += e;
        w += e * (b - a);
      }
    }
    return (float) (w / sx - Math.log(sx) + Math.log(sy));
  }

  @Override
  public void klPerToken(float[] logprobs, float[] refLogprobs, float[] mask, KlEstimator estimator, int from,
      int to, float[] out) {
    int vecEnd = to - (to - from) % L;
    int i = from;
    switch (estimator) {
      case K1 -> {
        for (; i < vecEnd; i += L) {
          FloatVector lp = FloatVector.fromArray(S, logprobs, i);
          FloatVector ref = FloatVector.fromArray(S, refLogprobs, i);
          store(lp.sub(ref), mask, i, out);
        }
      }
      case K2 -> {
        for (; i < vecEnd; i += L) {
          FloatVector d = FloatVector.fromArray(S, refLogprobs, i).sub(FloatVector.fromArray(S, logprobs, i));
          store(d.mul(d).mul(HALF), mask, i, out);
        }
      }
      case K3 -> {
        for (; i < vecEnd; i += L) {
          FloatVector d = FloatVector.fromArray(S, refLogprobs, i).sub(FloatVector.fromArray(S, logprobs, i));
          store(k3(d), mask, i, out);
        }
      }
    }
    for (; i < to; i++) {
      out[i] = mask != null && mask[i] == 0f ? 0f : (float) estimator.apply(logprobs[i], refLogprobs[i]);
    }
  }

  /**
   * {@code e^d − d − 1} without its cancellation near 0: for {@code |d| < 1} the Taylor series
   * {@code Σ_{k≥2} d^k/k!} to {@code k = 11} (remainder under 3e-9 relative); for {@code d ≤ −1}
   * {@code e^{−|d|} + |d| − 1}; for {@code d ≥ 1} {@code 1/e^{−d} − d − 1} (so the exponential never overflows
   * before the result does: +∞ from {@code d ≥ 88}).
   */
  static FloatVector k3(FloatVector d) {
    FloatVector p = d.fma(F11, F10);
    p = p.fma(d, F9);
    p = p.fma(d, F8);
    p = p.fma(d, F7);
    p = p.fma(d, F6);
    p = p.fma(d, F5);
    p = p.fma(d, F4);
    p = p.fma(d, F3);
    p = p.fma(d, HALF);
    FloatVector series = p.mul(d.mul(d));
    FloatVector ad = d.abs();
    FloatVector e = expNeg(ad); // e^{−|d|} ≤ 1
    FloatVector below = e.add(ad).sub(ONE);
    FloatVector above = ONE.div(e).sub(d).sub(ONE);
    FloatVector direct = above.blend(below, d.compare(VectorOperators.LT, ZERO));
    return direct.blend(series, ad.compare(VectorOperators.LT, ONE));
  }

  private static void store(FloatVector v, float[] mask, int i, float[] out) {
    if (mask == null) {
      v.intoArray(out, i);
    } else {
      FloatVector m = FloatVector.fromArray(S, mask, i);
      v.blend(ZERO, m.compare(VectorOperators.EQ, ZERO)).intoArray(out, i);
    }
  }
}
