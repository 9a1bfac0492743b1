package dev.align4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scalar path's float exponential against {@link Math#exp}. */
class FloatExpTest {

  @Test
  void isWithinTwoUlpOverTheFloatRange() {
    SplittableRandom rnd = new SplittableRandom(7);
    double worst = 0;
    for (int i = 0; i < 2_000_000; i++) {
      float x = (float) (FloatExp.MIN_ARG + rnd.nextDouble() * (FloatExp.MAX_ARG - 0.1 - FloatExp.MIN_ARG));
      double exact = Math.exp(x);
      float got = FloatExp.exp(x);
      worst = Math.max(worst, Math.abs(got - exact) / Math.ulp((float) exact));
    }
    assertTrue(worst <= 2.0, "worst error " + worst + " ulp");
  }

  @Test
  void isExactWhereTheResultIsExact() {
    assertEquals(1f, FloatExp.exp(0f), 0f);
    assertEquals(1f, FloatExp.exp(-0f), 0f);
  }

  @Test
  void saturatesAtTheEndsAndPropagatesNaN() {
    assertEquals(Float.POSITIVE_INFINITY, FloatExp.exp(88.8f), 0f);
    assertEquals(Float.POSITIVE_INFINITY, FloatExp.exp(Float.POSITIVE_INFINITY), 0f);
    assertTrue(FloatExp.exp(-1000f) < 2e-38f && FloatExp.exp(-1000f) >= 0f, "e^-1000 is (nearly) 0");
    assertTrue(FloatExp.exp(Float.NEGATIVE_INFINITY) < 2e-38f, "e^-inf is (nearly) 0");
    assertTrue(Float.isNaN(FloatExp.exp(Float.NaN)));
  }
}
