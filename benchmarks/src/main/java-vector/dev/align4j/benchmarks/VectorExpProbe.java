package dev.align4j.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The probes' inner loops, written with the Vector API (compiled with {@code --add-modules jdk.incubator.vector};
 * see the pom): a streaming sum for the memory bandwidth, and {@code Σ e^{x_i}} over a buffer that stays in L1 for
 * the exp rate. The exponential is a standard vectorised expf (Cody–Waite reduction, Cephes' degree-6 polynomial,
 * the exponent bits written directly), the algorithm the kernels use, kept separate so that the probe does not
 * change when the kernels do. Written the way JDK 17's C2 compiles well: one exponential per iteration, inline (a
 * helper taking vectors is not inlined once the loop body reaches C2's node budget, and boxes), sums starting from
 * {@link FloatVector#zero}.
 */
public final class VectorExpProbe {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> SI = S.withLanes(int.class);
  /** The bits of {@code 1.5·2^23 − 127}: below it {@code 2^n} is 0 (an integer max, one instruction). */
  private static final IntVector MIN_T_BITS = IntVector.broadcast(SI, Float.floatToRawIntBits(12582912f) - 127);
  private static final FloatVector LOG2E = FloatVector.broadcast(S, 1.44269504088896341f);
  private static final FloatVector ROUND = FloatVector.broadcast(S, 12582912f);
  private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -0.693359375f);
  private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, 2.12194440e-4f);
  private static final FloatVector P0 = FloatVector.broadcast(S, 1.9875691500e-4f);
  private static final FloatVector P1 = FloatVector.broadcast(S, 1.3981999507e-3f);
  private static final FloatVector P2 = FloatVector.broadcast(S, 8.3334519073e-3f);
  private static final FloatVector P3 = FloatVector.broadcast(S, 4.1665795894e-2f);
  private static final FloatVector P4 = FloatVector.broadcast(S, 1.6666665459e-1f);
  private static final FloatVector P5 = FloatVector.broadcast(S, 5.0000001201e-1f);
  private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
  private static final IntVector SHIFT = IntVector.broadcast(SI, 23);
  private static final IntVector BIAS = IntVector.broadcast(SI, 127 << 23);

  private VectorExpProbe() {}

  /** Float lanes per vector on this machine. */
  public static int lanes() {
    return S.length();
  }

  /** {@code Σ x_i}, four independent sums so that only the loads limit it; {@code x.length} a multiple of 4L. */
  public static float sum(float[] x) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = FloatVector.zero(S);
    FloatVector s2 = FloatVector.zero(S);
    FloatVector s3 = FloatVector.zero(S);
    int l = S.length();
    for (int i = 0; i < x.length; i += 4 * l) {
      s0 = s0.add(FloatVector.fromArray(S, x, i));
      s1 = s1.add(FloatVector.fromArray(S, x, i + l));
      s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * l));
      s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * l));
    }
    return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
  }

  /**
   * {@code Σ e^{x_i}} for {@code x_i} down to −2.9e6 (0 below −88); {@code x.length} a multiple of the lane count.
   * The clamp is an integer max on the bits of {@code t}, as in the kernels: a Java-semantics float max would cost
   * more than the rest of the exponential's overhead.
   */
  public static float sumExp(float[] x) {
    FloatVector s = FloatVector.zero(S);
    for (int i = 0; i < x.length; i += S.length()) {
      FloatVector c = FloatVector.fromArray(S, x, i);
      FloatVector t = c.fma(LOG2E, ROUND);
      FloatVector n = t.sub(ROUND);
      FloatVector r = n.fma(NEG_LN2_HI, c);
      r = n.fma(NEG_LN2_LO, r);
      FloatVector p = r.fma(P0, P1);
      p = p.fma(r, P2);
      p = p.fma(r, P3);
      p = p.fma(r, P4);
      p = p.fma(r, P5);
      FloatVector e = p.fma(r.mul(r), r).add(ONE);
      IntVector bits = t.reinterpretAsInts().max(MIN_T_BITS).lanewise(VectorOperators.LSHL, SHIFT).add(BIAS);
      s = s.add(e.mul(bits.reinterpretAsFloats()));
    }
    return s.reduceLanes(VectorOperators.ADD);
  }
}
