package dev.align4j.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OveroptimizationFitTest {
  @Test
  void recoversTheGaoFormExactly() {
    double alpha = 0.8;
    double beta = 0.5;
    double y0 = 0.6;
    double[] d = {0.1, 0.3, 0.6, 1.0, 1.5, 2.2, 3.0};
    double[] y = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      y[i] = y0 + d[i] * (alpha - beta * Math.log(d[i]));
    }
    OveroptimizationFit fit = OveroptimizationFit.fit(d, y, y0);
    assertEquals(alpha, fit.alpha(), 1e-10);
    assertEquals(beta, fit.beta(), 1e-10);
    assertEquals(1.0, fit.r2(), 1e-12);
    // dR/dd = α − β(ln d + 1) = 0 at d* = e^{α/β − 1} = e^{0.6}.
    assertEquals(Math.exp(0.6), fit.dStar(), 1e-9);
    assertEquals(d[3] * alpha, fit.gain(1.0), 1e-10);
  }

  @Test
  void noPeakGivesNaNDistance() {
    double[] d = {0.5, 1, 2, 3};
    double[] y = {0.55, 0.6, 0.7, 0.8};   // straight line: β ≤ 0 after the fit
    OveroptimizationFit fit = OveroptimizationFit.fit(d, y, 0.5);
    assertTrue(fit.beta() <= 0, "beta " + fit.beta());
    assertTrue(Double.isNaN(fit.dStar()));
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> OveroptimizationFit.fit(new double[2], new double[3], 0));
    assertThrows(IllegalArgumentException.class,
        () -> OveroptimizationFit.fit(new double[] {-1, 1, 2}, new double[3], 0));
    assertTrue(Double.isNaN(OveroptimizationFit.fit(new double[] {1, 2}, new double[] {1, 2}, 0).alpha()));
  }
}
