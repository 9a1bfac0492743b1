package dev.align4j.core.kernel;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.RewardScaling;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link KernelLoops} (JEP 414, {@code jdk.incubator.vector}); each method must equal its
 * {@link ScalarLoops} twin within the conformance tolerances ({@code VectorPathProperties} checks them against each
 * other and against a float64 reference).
 *
 * <p><b>Softmax rows</b> go through memory once, as an online log-sum-exp over blocks of {@value #BLOCK} logits
 * (Milakov and Gimelshein 2018, by blocks as in FlashAttention): a block's maximum moves the running maximum
 * {@code m} up and rescales the double accumulators by {@code e^{m−m'}}, then the block, now in L1, adds its terms
 * {@code e^{x−m} ≤ 1} into per-lane float sums, reduced once per block. Keeping {@code m} at the maximum is what
 * keeps entropy and KL well conditioned: against a reference {@code Δ} below the maximum, their two terms would each
 * carry {@code Δ} and cancel, losing about {@code Δ·1e-7}. NaN and +∞ logits end in the scalar code, which defines
 * what they give; {@code −∞} logits contribute 0. Rows narrower than a vector, and the last {@code vocab mod L}
 * logits of a row, continue in scalar code from the double sums.
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
  private static final VectorSpecies<Integer> SI = S.withLanes(int.class);
  /**
   * Logits per block: 2 KiB, in L1 for the rare second reading, and 32 terms per lane before the lane sums go to
   * double.
   */
  static final int BLOCK = 512;
  /**
   * How far (in units of ln 2) a block's largest logit may exceed the reference before the block is summed again
   * against a new one: terms up to {@code e^{3.5}} lose nothing, and the reference's distance from the maximum,
   * which entropy and KL carry in two terms that cancel, stays under 3.5 (a 4e-7 error).
   */
  private static final int MARGIN = 5;
  private static final int ROUND_BITS = Float.floatToRawIntBits(FloatExp.ROUND);
  private static final double LN2 = Math.log(2);
  /** Doubles for GAE's recursion, and the floats that convert to them lane for lane. */
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = DS.length();
  private static final VectorOperators.Conversion<Float, Double> F2D = VectorOperators.F2D;
  private static final VectorOperators.Conversion<Double, Float> D2F = VectorOperators.D2F;
  private static final VectorSpecies<Float> HALF_S = VectorSpecies.of(float.class,
      jdk.incubator.vector.VectorShape.forBitSize(DS.vectorBitSize() / 2));

  // e^{−a}, see expNeg: FloatExp's reduction and polynomial with the signs of the odd coefficients flipped.
  private static final IntVector MIN_T_BITS = IntVector.broadcast(SI,
      Float.floatToRawIntBits(FloatExp.ROUND) - 127);
  private static final IntVector MAX_T_BITS = IntVector.broadcast(SI,
      Float.floatToRawIntBits(FloatExp.ROUND) + 128);
  private static final IntVector SHIFT = IntVector.broadcast(SI, 23);

  private static final IntVector BIAS = IntVector.broadcast(SI, FloatExp.BIAS_BITS);
  private static final FloatVector NEG_LOG2E = FloatVector.broadcast(S, -FloatExp.LOG2E);
  private static final FloatVector LOG2E = FloatVector.broadcast(S, FloatExp.LOG2E);
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

  /** {@code i → i xor k}: after adding {@code v.rearrange(XORk)} for k = 1, 2, … G/2, each lane holds its group's sum. */
  private static final VectorShuffle<Float> XOR1 = VectorShuffle.fromOp(S, i -> i ^ 1);
  private static final VectorShuffle<Float> XOR2 = VectorShuffle.fromOp(S, i -> i ^ 2);
  private static final VectorShuffle<Float> XOR4 = VectorShuffle.fromOp(S, i -> i ^ 4);
  /** {@code i → } the first lane of i's group of G: every lane gets its group's first reward. */
  private static final VectorShuffle<Float> FIRST2 = VectorShuffle.fromOp(S, i -> i & ~1);
  private static final VectorShuffle<Float> FIRST4 = VectorShuffle.fromOp(S, i -> i & ~3);
  private static final VectorShuffle<Float> FIRST8 = VectorShuffle.fromOp(S, i -> i & ~7);

  private static final float STD_EPSILON = 1e-4f;

  /** Per-thread scratch for the sums a row's vector loop hands back (no allocation per call). */
  private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[5 * L]);

  /** Loaded by name from {@link VectorApi}. */
  public VectorLoops() {
    if (L < 8) {
      throw new UnsupportedOperationException("the preferred vector shape holds " + L
          + " floats; the Vector API path needs at least 8 (AVX2, AVX-512 or SVE of 256 bits and up)");
    }
  }

  /**
   * {@code e^{−a}} for {@code a ≥ 0} (the callers subtract from a running maximum): within 2 ulp for
   * {@code a < 88}, exactly 0 from 88 up to about 1e20; NaN for {@code a = +∞} (a {@code −∞} logit), which sends
   * the row to the scalar code.
   *
   * <p>{@code n = round(−a·log2 e)} is read from the low mantissa bits of {@code t = −a·log2 e + 1.5·2^23}, and
   * {@code 2^n} is {@code n + 127} shifted into the exponent field, clamped at 0 by an integer max on t's bits (t
   * is positive, where float bits order like floats): one instruction, where a Java-semantics float max costs about
   * six. Two bit reinterpretations only: each is an intrinsic of its own, and C2 compiles a loop body with many of
   * them past its node budget, with some intrinsics failed.
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
    IntVector biased = t.reinterpretAsInts().max(MIN_T_BITS); // n ≥ −127: 2^n = 0 below
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

  /**
   * How far above the reference the block's largest logit was, in units of ln 2: the largest
   * {@code n = round((x − m)·log2 e)} among the lanes a sums loop stored at {@code sums[from..from+L)}. The loops
   * keep the max of the bits of {@code t = 1.5·2^23 + n}, which the exponential computes anyway, so tracking the
   * maximum costs one integer max per exponential (the Java-semantics float max is a sequence whose latency, carried
   * from one vector to the next, would cost as much as the exponentials).
   */
  private static int laneExcess(float[] sums, int from) {
    int k = Integer.MIN_VALUE;
    for (int i = from; i < from + L; i++) {
      k = Math.max(k, Float.floatToRawIntBits(sums[i]));
    }
    return k - ROUND_BITS;
  }

  /** The largest of {@code x[from..to)}, scalar (the first vector of a row), NaN if any is. */
  private static float firstMax(float[] x, int from, int to) {
    float m = x[from];
    for (int i = from + 1; i < to; i++) {
      m = Math.max(m, x[i]);
    }
    return m;
  }

  /** The sum, in double, of the {@code L} lanes a sums loop stored at {@code sums[from..from+L)}. */
  private static double laneSum(float[] sums, int from) {
    double s = 0;
    for (int i = from; i < from + L; i++) {
      s += sums[i];
    }
    return s;
  }

  /** {@code Float.isFinite} without a call: a call C2 declines to inline is a cost in the row methods. */
  private static boolean finite(float v) {
    return v - v == 0f;
  }

  /** See {@link SoftmaxRows#tokenLogprob}; see the class documentation for the blocks and the reference. */
  static float tokenLogprob(float[] a, int off, int vocab, int token, float invT, float[] sums) {
    int vecEnd = off + vocab - vocab % L;
    if (vecEnd == off) {
      return SoftmaxRows.tokenLogprob(a, off, vocab, token, invT);
    }
    float m = firstMax(a, off, off + L) * invT; // invT > 0: the largest product is the product of the largest
    double s = 0;
    for (int i = off; i < vecEnd; i += BLOCK) {
      int end = Math.min(i + BLOCK, vecEnd);
      expSums(a, i, end, invT, m, sums);
      int excess = laneExcess(sums, L);
      if (excess > MARGIN) { // a logit well above the reference: re-reference, and sum this block again
        float top = (float) (m + excess * LN2);
        s *= Math.exp((double) m - top);
        m = top;
        expSums(a, i, end, invT, m, sums);
      }
      s += laneSum(sums, 0);
    }
    if (!(s < Double.POSITIVE_INFINITY)) {
      return SoftmaxRows.tokenLogprob(a, off, vocab, token, invT); // NaN or infinite logits
    }
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
   * Lanes of {@code Σ e^{x−m}} over {@code x = a[from..to)·invT} into {@code sums[0..L)}, and lanes of the largest
   * raw logit, as order-preserving integer keys ({@link #key}), into {@code sums[L..2L)}. The row methods pass only
   * scalars and arrays in and out of these loops, so C2 may inline them or not without boxing a vector; lanes are
   * stored, not reduced (a reduction is a large intrinsic).
   */
  private static void expSums(float[] a, int from, int to, float invT, float m, float[] sums) {
    FloatVector t = FloatVector.broadcast(S, invT);
    FloatVector mv = FloatVector.broadcast(S, m);
    FloatVector s = FloatVector.zero(S);
    IntVector top = IntVector.broadcast(SI, ROUND_BITS - 1000);
    for (int j = from; j < to; j += L) {
      FloatVector d = mv.sub(FloatVector.fromArray(S, a, j).mul(t));
      top = top.max(d.fma(NEG_LOG2E, ROUND).reinterpretAsInts()); // expNeg's own t: C2 computes it once
      s = s.add(expNeg(d));
    }
    s.intoArray(sums, 0);
    top.reinterpretAsFloats().intoArray(sums, L);
  }

  /** Like {@link #expSums}, plus lanes of {@code Σ e^{−d}·d}, {@code d = m − x}, in {@code sums[2L..3L)}. */
  private static void entropySums(float[] a, int from, int to, float invT, float m, float[] sums) {
    FloatVector t = FloatVector.broadcast(S, invT);
    FloatVector mv = FloatVector.broadcast(S, m);
    FloatVector s = FloatVector.zero(S);
    FloatVector u = FloatVector.zero(S);
    IntVector top = IntVector.broadcast(SI, ROUND_BITS - 1000);
    for (int j = from; j < to; j += L) {
      FloatVector d = mv.sub(FloatVector.fromArray(S, a, j).mul(t));
      top = top.max(d.fma(NEG_LOG2E, ROUND).reinterpretAsInts());
      FloatVector e = expNeg(d);
      s = s.add(e);
      u = e.fma(d, u);
    }
    s.intoArray(sums, 0);
    top.reinterpretAsFloats().intoArray(sums, L);
    u.intoArray(sums, 2 * L);
  }

  /**
   * See {@link SoftmaxRows#entropy}; here {@code d = m − x}, {@code s = Σ e^{−d}}, {@code u = Σ e^{−d}·d}, and the
   * entropy is {@code log s + u/s}. Moving {@code m} up by {@code δ} gives {@code s ← e^{−δ}s},
   * {@code u ← e^{−δ}(u + δ·s)}.
   */
  static float entropy(float[] a, int off, int vocab, float invT, float[] sums) {
    int vecEnd = off + vocab - vocab % L;
    if (vecEnd == off) {
      return SoftmaxRows.entropy(a, off, vocab, invT);
    }
    float m = firstMax(a, off, off + L) * invT;
    double s = 0;
    double u = 0;
    for (int i = off; i < vecEnd; i += BLOCK) {
      int end = Math.min(i + BLOCK, vecEnd);
      entropySums(a, i, end, invT, m, sums);
      int excess = laneExcess(sums, L);
      if (excess > MARGIN) {
        float top = (float) (m + excess * LN2);
        double delta = (double) top - m;
        double c = Math.exp(-delta);
        u = c * (u + delta * s);
        s = c * s;
        m = top;
        entropySums(a, i, end, invT, m, sums);
      }
      s += laneSum(sums, 0);
      u += laneSum(sums, 2 * L);
    }
    if (!(s + Math.abs(u) < Double.POSITIVE_INFINITY)) {
      return SoftmaxRows.entropy(a, off, vocab, invT);
    }
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
   * Lanes of {@code Σ e^{−A}}, {@code Σ e^{−B}} and {@code Σ e^{−A}(B − A)} with {@code A = m_x − x},
   * {@code B = m_y − y} over {@code [from, to)} into {@code sums[0..3L)}, then lanes of the largest x and y as keys
   * into {@code sums[3L..5L)}.
   */
  private static void klSums(float[] xs, float[] ys, int from, int to, float mx, float my, float[] sums) {
    FloatVector mxv = FloatVector.broadcast(S, mx);
    FloatVector myv = FloatVector.broadcast(S, my);
    FloatVector sx = FloatVector.zero(S);
    FloatVector sy = FloatVector.zero(S);
    FloatVector w = FloatVector.zero(S);
    IntVector topX = IntVector.broadcast(SI, ROUND_BITS - 1000);
    IntVector topY = IntVector.broadcast(SI, ROUND_BITS - 1000);
    for (int j = from; j < to; j += L) {
      FloatVector a = mxv.sub(FloatVector.fromArray(S, xs, j));
      FloatVector b = myv.sub(FloatVector.fromArray(S, ys, j));
      topX = topX.max(a.fma(NEG_LOG2E, ROUND).reinterpretAsInts());
      topY = topY.max(b.fma(NEG_LOG2E, ROUND).reinterpretAsInts());
      FloatVector ex = expNeg(a);
      sx = sx.add(ex);
      sy = sy.add(expNeg(b));
      w = ex.fma(b.sub(a), w);
    }
    sx.intoArray(sums, 0);
    sy.intoArray(sums, L);
    w.intoArray(sums, 2 * L);
    topX.reinterpretAsFloats().intoArray(sums, 3 * L);
    topY.reinterpretAsFloats().intoArray(sums, 4 * L);
  }

  /**
   * See {@link SoftmaxRows#fullKl}; here {@code A = m_x − x}, {@code B = m_y − y}, {@code s_x = Σ e^{−A}},
   * {@code s_y = Σ e^{−B}}, {@code w = Σ e^{−A}(B − A)}, and {@code KL = w/s_x − log s_x + log s_y}. Moving
   * {@code m_y} up by {@code δ_y} adds {@code δ_y·s_x} to {@code w} and scales {@code s_y} by {@code e^{−δ_y}};
   * moving {@code m_x} up by {@code δ_x} gives {@code w ← e^{−δ_x}(w − δ_x·s_x)}, {@code s_x ← e^{−δ_x}s_x}.
   */
  static float fullKl(float[] xs, float[] ys, int off, int vocab, float[] sums) {
    int vecEnd = off + vocab - vocab % L;
    if (vecEnd == off) {
      return SoftmaxRows.fullKl(xs, ys, off, vocab);
    }
    float mx = firstMax(xs, off, off + L);
    float my = firstMax(ys, off, off + L);
    double sx = 0;
    double sy = 0;
    double w = 0;
    for (int i = off; i < vecEnd; i += BLOCK) {
      int end = Math.min(i + BLOCK, vecEnd);
      klSums(xs, ys, i, end, mx, my, sums);
      int excessX = laneExcess(sums, 3 * L);
      int excessY = laneExcess(sums, 4 * L);
      if (excessX > MARGIN || excessY > MARGIN) {
        float ny = excessY > 0 ? (float) (my + excessY * LN2) : my;
        float nx = excessX > 0 ? (float) (mx + excessX * LN2) : mx;
        double dy = (double) ny - my;
        sy *= Math.exp(-dy);
        w += dy * sx;
        double dx = (double) nx - mx;
        double c = Math.exp(-dx);
        w = c * (w - dx * sx);
        sx *= c;
        mx = nx;
        my = ny;
        klSums(xs, ys, i, end, mx, my, sums);
      }
      sx += laneSum(sums, 0);
      sy += laneSum(sums, L);
      w += laneSum(sums, 2 * L);
    }
    if (!(sx + sy + Math.abs(w) < Double.POSITIVE_INFINITY)) {
      return SoftmaxRows.fullKl(xs, ys, off, vocab); // NaN or infinite logits
    }
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
    switch (estimator) {
      case K1 -> k1(logprobs, refLogprobs, mask, from, vecEnd, out);
      case K2 -> k2(logprobs, refLogprobs, mask, from, vecEnd, out);
      case K3 -> k3(logprobs, refLogprobs, mask, from, vecEnd, out);
    }
    for (int i = vecEnd; i < to; i++) {
      out[i] = mask != null && mask[i] == 0f ? 0f : (float) estimator.apply(logprobs[i], refLogprobs[i]);
    }
  }

  // One loop per estimator, the masked store written out in each: a helper taking the vector to store is not
  // inlined once a loop reaches C2's node budget, and k3's loop did (after a recompilation in the middle of a JMH
  // run it boxed every vector, 6 MB per call).

  private static void k1(float[] lp, float[] ref, float[] mask, int from, int to, float[] out) {
    FloatVector zero = FloatVector.zero(S);
    for (int i = from; i < to; i += L) {
      FloatVector k = FloatVector.fromArray(S, lp, i).sub(FloatVector.fromArray(S, ref, i));
      if (mask == null) {
        k.intoArray(out, i);
      } else {
        k.blend(zero, FloatVector.fromArray(S, mask, i).compare(VectorOperators.EQ, zero)).intoArray(out, i);
      }
    }
  }

  private static void k2(float[] lp, float[] ref, float[] mask, int from, int to, float[] out) {
    FloatVector zero = FloatVector.zero(S);
    for (int i = from; i < to; i += L) {
      FloatVector d = FloatVector.fromArray(S, ref, i).sub(FloatVector.fromArray(S, lp, i));
      FloatVector k = d.mul(d).mul(HALF);
      if (mask == null) {
        k.intoArray(out, i);
      } else {
        k.blend(zero, FloatVector.fromArray(S, mask, i).compare(VectorOperators.EQ, zero)).intoArray(out, i);
      }
    }
  }

  /**
   * {@code e^d − d − 1} without its cancellation near 0: for {@code d² < 1} the Taylor series
   * {@code d²·Σ_{k≥2} d^{k−2}/k!} to {@code k = 11} (remainder under 3e-9 relative), elsewhere {@code e^d − d − 1}
   * directly (at {@code |d| ≥ 1} the exponential's 2 ulp grow at most fourfold). The exponential is
   * {@link #expNeg}'s, written out, with {@code n} clamped to {@code [−127, 128]} so that {@code d ≥ 88.7} gives +∞.
   */
  private static void k3(float[] lp, float[] ref, float[] mask, int from, int to, float[] out) {
    FloatVector zero = FloatVector.zero(S);
    for (int i = from; i < to; i += L) {
      FloatVector d = FloatVector.fromArray(S, ref, i).sub(FloatVector.fromArray(S, lp, i));
      FloatVector d2 = d.mul(d);
      FloatVector p = d.fma(F11, F10);
      p = p.fma(d, F9);
      p = p.fma(d, F8);
      p = p.fma(d, F7);
      p = p.fma(d, F6);
      p = p.fma(d, F5);
      p = p.fma(d, F4);
      p = p.fma(d, F3);
      p = p.fma(d, HALF);
      FloatVector series = p.mul(d2);
      FloatVector t = d.fma(LOG2E, ROUND); // e^d = e^{−a}, a = −d
      FloatVector n = t.sub(ROUND);
      FloatVector r = n.fma(LN2_HI, d.neg());
      r = n.fma(LN2_LO, r);
      FloatVector q = r.fma(Q0, Q1);
      q = q.fma(r, Q2);
      q = q.fma(r, Q3);
      q = q.fma(r, Q4);
      q = q.fma(r, Q5);
      FloatVector e = q.fma(r.mul(r), ONE).sub(r);
      IntVector biased = t.reinterpretAsInts().max(MIN_T_BITS).min(MAX_T_BITS);
      e = e.mul(biased.lanewise(VectorOperators.LSHL, SHIFT).add(BIAS).reinterpretAsFloats());
      FloatVector k = e.sub(d).sub(ONE).blend(series, d2.compare(VectorOperators.LT, ONE));
      if (mask == null) {
        k.intoArray(out, i);
      } else {
        k.blend(zero, FloatVector.fromArray(S, mask, i).compare(VectorOperators.EQ, zero)).intoArray(out, i);
      }
    }
  }


  @Override
  public boolean isBinary(float[] x, int from, int to) {
    int vecEnd = to - (to - from) % L;
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector bad = FloatVector.zero(S);
    for (int i = from; i < vecEnd; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      bad = bad.add(v.mul(v.sub(one)).abs()); // 0 for 0 and 1 (and −0); NaN, ∞ or > 0 otherwise
    }
    if (bad.reduceLanes(VectorOperators.ADD) != 0f) {
      return false;
    }
    for (int i = vecEnd; i < to; i++) {
      if (x[i] != 0f && x[i] != 1f) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean allFinite(float[] x, int from, int to) {
    int vecEnd = to - (to - from) % L;
    FloatVector acc = FloatVector.zero(S);
    for (int i = from; i < vecEnd; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      acc = acc.add(v.sub(v)); // 0 for finite, NaN for ±∞ and NaN
    }
    if (acc.reduceLanes(VectorOperators.ADD) != 0f) {
      return false;
    }
    for (int i = vecEnd; i < to; i++) {
      if (!finite(x[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Over the lanes, with {@code p} the element before each: {@code Σ |m(m − 1)|} (0 iff every value is 0 or 1),
   * {@code Σ m(1 − p)} (the 0→1 steps, 0 iff no 1 follows a 0) and {@code Σ m} (the length). Sums of 0s and 1s are
   * exact in float below 2^24.
   */
  @Override
  public int prefixLength(float[] mask, int from, int n) {
    if (n == 0) {
      return 0;
    }
    float m0 = mask[from];
    if (m0 != 0f && m0 != 1f) {
      return -1;
    }
    int vecEnd = from + 1 + (n - 1) - (n - 1) % L;
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector bad = FloatVector.zero(S);
    FloatVector rises = FloatVector.zero(S);
    FloatVector ones = FloatVector.zero(S);
    for (int i = from + 1; i < vecEnd; i += L) {
      FloatVector m = FloatVector.fromArray(S, mask, i);
      FloatVector p = FloatVector.fromArray(S, mask, i - 1);
      bad = bad.add(m.mul(m.sub(one)).abs());
      rises = m.fma(one.sub(p), rises);
      ones = ones.add(m);
    }
    float b = bad.reduceLanes(VectorOperators.ADD);
    float r = rises.reduceLanes(VectorOperators.ADD);
    float len = m0 + ones.reduceLanes(VectorOperators.ADD);
    if (b != 0f || r != 0f) {
      return -1;
    }
    float prev = vecEnd == from + 1 ? m0 : mask[vecEnd - 1];
    for (int i = vecEnd; i < from + n; i++) {
      float m = mask[i];
      if ((m != 0f && m != 1f) || (m == 1f && prev != 1f)) {
        return -1;
      }
      len += m;
      prev = m;
    }
    return (int) len;
  }

  @Override
  public void shiftScale(float[] x, int from, int to, float shiftHi, float shiftLo, float scale, float[] out) {
    int vecEnd = to - (to - from) % L;
    FloatVector hi = FloatVector.broadcast(S, shiftHi);
    FloatVector lo = FloatVector.broadcast(S, shiftLo);
    FloatVector sc = FloatVector.broadcast(S, scale);
    for (int i = from; i < vecEnd; i += L) {
      FloatVector.fromArray(S, x, i).sub(hi).sub(lo).mul(sc).intoArray(out, i);
    }
    for (int i = vecEnd; i < to; i++) {
      out[i] = ((x[i] - shiftHi) - shiftLo) * scale;
    }
  }

  /**
   * Groups of 2, 4, 8 or 16 sit whole in the lanes of a vector, so group sums come from a butterfly of
   * {@code log2 G} lane swaps and adds, after which every lane holds its group's sum. In float, shifted by the
   * group's first reward {@code K}: {@code d = x − K} is exact or nearly so, {@code Σd} and {@code Σd²} (two
   * independent butterflies) give the mean and the unbiased variance {@code (Σd² − Σd·mean)/(G − 1)} without the
   * cancellation of raw sums when rewards sit far from 0. A constant group has {@code d = 0} throughout, so its
   * advantages are exactly 0. Other group sizes take the scalar loop.
   */
  @Override
  public boolean groupAdvantages(float[] rewards, int groupSize, RewardScaling scaling, double batchScale,
      int from, int to, float[] out) {
    if (groupSize < 2 || groupSize > L || Integer.bitCount(groupSize) != 1) {
      return AdvantageKernels.groupAdvantages(rewards, groupSize, scaling, batchScale, from, to, out);
    }
    int vecEnd = to - (to - from) % L; // from is a group boundary and L a multiple of G: whole groups per vector
    // factor = a/(σ + ε) + b: (1, 0) divides by the group's deviation, (0, scale) multiplies by a constant
    float a = scaling == RewardScaling.GROUP ? 1f : 0f;
    float b = scaling == RewardScaling.GROUP ? 0f : scaling == RewardScaling.BATCH ? (float) batchScale : 1f;
    boolean finite = switch (groupSize) {
      case 2 -> groups2(rewards, a, b, from, vecEnd, out);
      case 4 -> groups4(rewards, a, b, from, vecEnd, out);
      case 8 -> groups8(rewards, a, b, from, vecEnd, out);
      default -> L == 16 ? groups16(rewards, a, b, from, vecEnd, out)
          : AdvantageKernels.groupAdvantages(rewards, groupSize, scaling, batchScale, from, vecEnd, out);
    };
    return AdvantageKernels.groupAdvantages(rewards, groupSize, scaling, batchScale, vecEnd, to, out) && finite;
  }

  // One loop per group size, each with its butterfly written out: a branch on the size inside the loop would put
  // vectors through phis, which C2 boxes. No helper takes or returns a vector: where C2 stops inlining for its node
  // budget, such a call boxes every vector that crosses it (measured: 3.5 times slower at G = 16).

  private static boolean groups2(float[] x, float a, float b, int from, int to, float[] out) {
    FloatVector finite = FloatVector.zero(S);
    FloatVector inv = FloatVector.broadcast(S, 1f / 2);
    FloatVector invDof = FloatVector.broadcast(S, 1f / 1);
    FloatVector eps = FloatVector.broadcast(S, STD_EPSILON);
    FloatVector av = FloatVector.broadcast(S, a);
    FloatVector bv = FloatVector.broadcast(S, b);
    for (int i = from; i < to; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      finite = finite.add(v.sub(v));
      FloatVector d = v.sub(v.rearrange(FIRST2));
      FloatVector sd = d;
      sd = sd.add(sd.rearrange(XOR1));
      FloatVector q = d.mul(d);
      q = q.add(q.rearrange(XOR1));
      FloatVector mean = sd.mul(inv);
      FloatVector var = q.sub(sd.mul(mean)).mul(invDof);
      FloatVector scale = av.div(var.lanewise(VectorOperators.SQRT).add(eps)).add(bv);
      d.sub(mean).mul(scale).intoArray(out, i); // (x − mean)·(a/(σ + ε) + b)
    }
    return finite.reduceLanes(VectorOperators.ADD) == 0f;
  }

  private static boolean groups4(float[] x, float a, float b, int from, int to, float[] out) {
    FloatVector finite = FloatVector.zero(S);
    FloatVector inv = FloatVector.broadcast(S, 1f / 4);
    FloatVector invDof = FloatVector.broadcast(S, 1f / 3);
    FloatVector eps = FloatVector.broadcast(S, STD_EPSILON);
    FloatVector av = FloatVector.broadcast(S, a);
    FloatVector bv = FloatVector.broadcast(S, b);
    for (int i = from; i < to; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      finite = finite.add(v.sub(v));
      FloatVector d = v.sub(v.rearrange(FIRST4));
      FloatVector sd = d;
      sd = sd.add(sd.rearrange(XOR1));
      sd = sd.add(sd.rearrange(XOR2));
      FloatVector q = d.mul(d);
      q = q.add(q.rearrange(XOR1));
      q = q.add(q.rearrange(XOR2));
      FloatVector mean = sd.mul(inv);
      FloatVector var = q.sub(sd.mul(mean)).mul(invDof);
      FloatVector scale = av.div(var.lanewise(VectorOperators.SQRT).add(eps)).add(bv);
      d.sub(mean).mul(scale).intoArray(out, i); // (x − mean)·(a/(σ + ε) + b)
    }
    return finite.reduceLanes(VectorOperators.ADD) == 0f;
  }

  private static boolean groups8(float[] x, float a, float b, int from, int to, float[] out) {
    FloatVector finite = FloatVector.zero(S);
    FloatVector inv = FloatVector.broadcast(S, 1f / 8);
    FloatVector invDof = FloatVector.broadcast(S, 1f / 7);
    FloatVector eps = FloatVector.broadcast(S, STD_EPSILON);
    FloatVector av = FloatVector.broadcast(S, a);
    FloatVector bv = FloatVector.broadcast(S, b);
    for (int i = from; i < to; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      finite = finite.add(v.sub(v));
      FloatVector d = v.sub(v.rearrange(FIRST8));
      FloatVector sd = d;
      sd = sd.add(sd.rearrange(XOR1));
      sd = sd.add(sd.rearrange(XOR2));
      sd = sd.add(sd.rearrange(XOR4));
      FloatVector q = d.mul(d);
      q = q.add(q.rearrange(XOR1));
      q = q.add(q.rearrange(XOR2));
      q = q.add(q.rearrange(XOR4));
      FloatVector mean = sd.mul(inv);
      FloatVector var = q.sub(sd.mul(mean)).mul(invDof);
      FloatVector scale = av.div(var.lanewise(VectorOperators.SQRT).add(eps)).add(bv);
      d.sub(mean).mul(scale).intoArray(out, i); // (x − mean)·(a/(σ + ε) + b)
    }
    return finite.reduceLanes(VectorOperators.ADD) == 0f;
  }

  /**
   * Groups of 16 fill a 16-lane vector, so their sums are lane reductions; a butterfly of 4 + 4 swaps here took the
   * loop past C2's node budget, and the compiled loop boxed a vector per iteration.
   */
  private static boolean groups16(float[] x, float a, float b, int from, int to, float[] out) {
    FloatVector finite = FloatVector.zero(S);
    for (int i = from; i < to; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      finite = finite.add(v.sub(v));
      FloatVector d = v.sub(FloatVector.broadcast(S, x[i]));
      float sd = d.reduceLanes(VectorOperators.ADD);
      float q = d.mul(d).reduceLanes(VectorOperators.ADD);
      float mean = sd * (1f / 16);
      float var = (q - sd * mean) * (1f / 15);
      float scale = a / ((float) Math.sqrt(var) + STD_EPSILON) + b;
      d.sub(FloatVector.broadcast(S, mean)).mul(FloatVector.broadcast(S, scale)).intoArray(out, i);
    }
    return finite.reduceLanes(VectorOperators.ADD) == 0f;
  }


  /**
   * GAE over a span, {@link AdvantageKernels#gaeSpan} vectorised along time, in double (float loses the 1e-6
   * absolute tolerance where advantages cross 0 over long horizons). Within a vector of {@code DL} consecutive
   * steps, {@code A[t] = δ[t] + c·A[t+1]} is a suffix scan: {@code log2 DL} rounds of "add c^k times the vector slid
   * k lanes", then {@code c^{DL−i}·A[t+DL]} carries the span to the right in. The carry is the only serial
   * dependency, one multiply-add per vector. Short spans, and the moments-free ones, stay scalar.
   */
  @Override
  public double gaeSpan(float[] rewards, float[] values, int lo, int hi, double nextValue, double next,
      double gamma, double c, double rewardScale, double rewardShift, float[] raw, float[] returns,
      double[] moments) {
    if (hi - lo < 2 * DL || moments == null) {
      return AdvantageKernels.gaeSpan(rewards, values, lo, hi, nextValue, next, gamma, c, rewardScale, rewardShift,
          raw, returns, moments);
    }
    // Scalar steps from the top until the rest is whole vectors, at least one: the vector loop reads each vector's
    // next value as values[t + DL], which must be on the value mask.
    int t = hi;
    double vn = nextValue;
    double an = next;
    do {
      t--;
      double v = values[t];
      an = rewards[t] * rewardScale + rewardShift + gamma * vn - v + c * an;
      vn = v;
      raw[t] = (float) an;
      if (returns != null) {
        returns[t] = (float) (an + v);
      }
    } while ((t - lo) % DL != 0);
    AdvantageKernels.addMoments(raw, t, hi, moments);
    an = scan(rewards, values, lo, t, an, gamma, c, rewardScale, rewardShift, raw, returns, moments);
    int n = t - lo;
    double s1 = moments[3];
    double s2 = moments[4];
    AdvantageKernels.mergeMoments(moments, n, moments[5] + s1 / n, s2 - s1 * s1 / n);
    return an;
  }

  /**
   * The vector part of {@link #gaeSpan} over {@code [lo, hi)}, whole vectors; leaves {@code Σ(A − K)} and
   * {@code Σ(A − K)²} in {@code moments[3..4]} and the shift {@code K} (the carry in) in {@code moments[5]}.
   */
  private static double scan(float[] rewards, float[] values, int lo, int hi, double next, double gamma, double c,
      double rewardScale, double rewardShift, float[] raw, float[] returns, double[] moments) {
    DoubleVector one = DoubleVector.broadcast(DS, 1.0);
    DoubleVector c1 = DoubleVector.broadcast(DS, c);
    DoubleVector c2 = c1.mul(c1);
    DoubleVector c4 = c2.mul(c2);
    DoubleVector carry = c1.mul(c1.slice(1, one)); // lane i: c^{DL−i}, suffix products by the same sliding scan
    carry = carry.mul(carry.slice(2, one));
    if (DL > 4) {
      carry = carry.mul(carry.slice(4, one));
    }
    DoubleVector g = DoubleVector.broadcast(DS, gamma);
    DoubleVector rs = DoubleVector.broadcast(DS, rewardScale);
    DoubleVector ro = DoubleVector.broadcast(DS, rewardShift);
    DoubleVector shift = DoubleVector.broadcast(DS, next);
    DoubleVector zero = DoubleVector.zero(DS);
    DoubleVector m1 = DoubleVector.zero(DS);
    DoubleVector m2 = DoubleVector.zero(DS);
    double an = next;
    for (int t = hi - DL; t >= lo; t -= DL) {
      DoubleVector r = (DoubleVector) FloatVector.fromArray(HALF_S, rewards, t).convertShape(F2D, DS, 0);
      DoubleVector v = (DoubleVector) FloatVector.fromArray(HALF_S, values, t).convertShape(F2D, DS, 0);
      DoubleVector vn = (DoubleVector) FloatVector.fromArray(HALF_S, values, t + 1).convertShape(F2D, DS, 0);
      DoubleVector a = vn.fma(g, r.fma(rs, ro)).sub(v); // δ
      a = a.slice(1, zero).fma(c1, a);
      a = a.slice(2, zero).fma(c2, a);
      if (DL > 4) {
        a = a.slice(4, zero).fma(c4, a);
      }
      a = carry.fma(DoubleVector.broadcast(DS, an), a);
      an = a.lane(0);
      ((FloatVector) a.convertShape(D2F, HALF_S, 0)).intoArray(raw, t);
      if (returns != null) {
        ((FloatVector) a.add(v).convertShape(D2F, HALF_S, 0)).intoArray(returns, t);
      }
      DoubleVector e = a.sub(shift);
      m1 = m1.add(e);
      m2 = e.fma(e, m2);
    }
    moments[3] = m1.reduceLanes(VectorOperators.ADD);
    moments[4] = m2.reduceLanes(VectorOperators.ADD);
    moments[5] = next;
    return an;
  }

  /**
   * {@link AdvantageKernels#discountedSums} vectorised like {@link #gaeSpan}: the scan of the rewards alone.
   */
  @Override
  public double discountedSums(float[] rewards, int lo, int hi, double c, float[] raw, float[] returns) {
    if (hi - lo < 2 * DL) {
      return AdvantageKernels.discountedSums(rewards, lo, hi, c, raw, returns);
    }
    int t = hi;
    double an = 0;
    while ((t - lo) % DL != 0) {
      t--;
      an = rewards[t] + c * an;
      raw[t] = (float) an;
      if (returns != null) {
        returns[t] = (float) an;
      }
    }
    DoubleVector one = DoubleVector.broadcast(DS, 1.0);
    DoubleVector c1 = DoubleVector.broadcast(DS, c);
    DoubleVector c2 = c1.mul(c1);
    DoubleVector c4 = c2.mul(c2);
    DoubleVector carry = c1.mul(c1.slice(1, one)); // lane i: c^{DL−i}, suffix products by the same sliding scan
    carry = carry.mul(carry.slice(2, one));
    if (DL > 4) {
      carry = carry.mul(carry.slice(4, one));
    }
    DoubleVector zero = DoubleVector.zero(DS);
    for (t -= DL; t >= lo; t -= DL) {
      DoubleVector a = (DoubleVector) FloatVector.fromArray(HALF_S, rewards, t).convertShape(F2D, DS, 0);
      a = a.slice(1, zero).fma(c1, a);
      a = a.slice(2, zero).fma(c2, a);
      if (DL > 4) {
        a = a.slice(4, zero).fma(c4, a);
      }
      a = carry.fma(DoubleVector.broadcast(DS, an), a);
      an = a.lane(0);
      FloatVector f = (FloatVector) a.convertShape(D2F, HALF_S, 0);
      f.intoArray(raw, t);
      if (returns != null) {
        f.intoArray(returns, t);
      }
    }
    return an;
  }

}
