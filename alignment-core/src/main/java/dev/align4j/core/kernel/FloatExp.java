package dev.align4j.core.kernel;

/**
 * {@code e^x} in float for the scalar kernels, within 2 ulp of {@link Math#exp} (checked in {@code FloatExpTest}).
 *
 * <p>{@code x = (k/128)·ln2 + r} with {@code |r| ≤ ln2/256}; then {@code e^x = 2^{⌊k/128⌋} · 2^{(k mod 128)/128} ·
 * e^r}, the middle factor from a 128-entry table and {@code e^r ≈ 1 + r + r²/2} (the next term, {@code r³/6}, is
 * under 4e-9). {@code k} comes from the "add 1.5·2^23" rounding trick: after the addition the low mantissa bits of
 * {@code t} hold {@code k}, so no float-to-int conversion is needed, and the power of two is written straight into
 * the exponent bits. {@code ln2/128} is split into a head with few bits (so {@code k·head} is exact) and a tail
 * (Cody and Waite 1980).
 *
 * <p>{@link Math#exp} costs an out-of-line call per element that the JIT never vectorises; this is a load and a
 * dozen multiply-adds, 2.5 to 3 times cheaper. The Vector API path uses the table-free degree-6 polynomial
 * ({@link #P0} … {@link #P5}, Cephes' {@code expf}) instead, because a per-lane table lookup is a slow gather.
 */
final class FloatExp {
  /** Arguments below this are raised to it: {@code e^{−87}} ≈ 1.6e-38, which the kernels add to sums of order 1. */
  static final float MIN_ARG = -87f;
  /** From here (clamped to it) the result is +∞: {@code e^{88.7228}} is the largest float. */
  static final float MAX_ARG = 88.75f;
  static final float LOG2E = 1.44269504088896341f;
  /** 1.5·2^23: adding it to a float of magnitude below 2^22 rounds it to an integer kept in the low bits. */
  static final float ROUND = 12582912f;
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  /** Cephes' {@code expf} polynomial, {@code e^r ≈ 1 + r + r²(P5 + r(P4 + … + r·P0))} for {@code |r| ≤ ln2/2}. */
  static final float P0 = 1.9875691500e-4f;
  static final float P1 = 1.3981999507e-3f;
  static final float P2 = 8.3334519073e-3f;
  static final float P3 = 4.1665795894e-2f;
  static final float P4 = 1.6666665459e-1f;
  static final float P5 = 5.0000001201e-1f;
  /** The exponent bias shifted into place. */
  static final int BIAS_BITS = 127 << 23;

  private static final float K = 128f * LOG2E;
  private static final float STEP_HI = LN2_HI / 128f;
  private static final float STEP_LO = LN2_LO / 128f;
  /** {@code 2^{j/128}}, j = 0 … 127. */
  private static final float[] POW2 = new float[128];

  static {
    for (int j = 0; j < POW2.length; j++) {
      POW2[j] = (float) Math.pow(2, j / 128.0);
    }
  }

  private FloatExp() {}

  /** {@code e^x}; NaN gives NaN. */
  static float exp(float x) {
    return expUnclamped(x > MAX_ARG ? MAX_ARG : x);
  }

  /**
   * {@code e^x} for {@code x ≤ 0}, as the softmax loops need it ({@code x} less the running maximum): one
   * comparison less per call in the scalar path's hottest loops.
   */
  static float expNonPositive(float x) {
    return expUnclamped(x);
  }

  private static float expUnclamped(float x) {
    float c = x < MIN_ARG ? MIN_ARG : x;
    float t = c * K + ROUND; // 1.5·2^23 + k, k = round(128·x/ln2)
    float k = t - ROUND;
    float r = (c - k * STEP_HI) - k * STEP_LO;
    float p = (r * 0.5f + 1f) * r + 1f;
    int bits = Float.floatToRawIntBits(t); // low bits: k (1.5·2^23 has none set below bit 22)
    float pow2 = Float.intBitsToFloat(((bits >> 7) + 127) << 23); // 2^⌊k/128⌋, the bits above k's drop out
    return p * POW2[bits & 127] * pow2;
  }
}
