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

  /**
   * Exact straight lines have no peak. OLS returns β = 0 only up to rounding, and a rounding-sized β > 0 used to
   * count as a peak at d* = e^{α/β − 1} = +∞; about a quarter of these lines did.
   */
  @Test
  void straightLinesNeverHaveAPeak() {
    java.util.Random rnd = new java.util.Random(17);
    int positiveBeta = 0;
    for (int trial = 0; trial < 1000; trial++) {
      int n = 3 + rnd.nextInt(10);
      double[] d = new double[n];
      double[] y = new double[n];
      double slope = rnd.nextGaussian();
      double y0 = rnd.nextDouble();
      for (int i = 0; i < n; i++) {
        d[i] = 0.05 + 3 * rnd.nextDouble();
        y[i] = y0 + slope * d[i];
      }
      OveroptimizationFit fit = OveroptimizationFit.fit(d, y, y0);
      positiveBeta += fit.beta() > 0 ? 1 : 0;
      assertTrue(!fit.hasPeak() && Double.isNaN(fit.dStar()),
          "trial " + trial + ": straight line reported a peak at " + fit.dStar() + " (beta " + fit.beta() + ")");
    }
    assertTrue(positiveBeta > 0, "the trials include rounding-positive betas, the case that used to slip through");
  }

  /** A rising-then-falling trace with noise has its peak found; a peak beyond the traced distances is not claimed. */
  @Test
  void aPeakIsReportedOnlyWhenTheTraceShowsIt() {
    double[] d = {0.1, 0.3, 0.5, 0.8, 1.0, 1.3, 1.6, 2.0, 2.5, 3.0};
    double[] noise = {0.01, -0.02, 0.015, -0.01, 0.0, 0.02, -0.015, 0.01, -0.005, 0.01};
    double[] y = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      y[i] = 0.6 + d[i] * (0.8 - 0.5 * Math.log(d[i])) + noise[i];   // peak at e^{0.6} ≈ 1.82
    }
    OveroptimizationFit fit = OveroptimizationFit.fit(d, y, 0.6);
    assertTrue(fit.hasPeak() && Math.abs(fit.dStar() - Math.exp(0.6)) < 0.3, "peak " + fit.dStar());
    // Only the rising part traced: the same curve up to d = 1 fits β > 0, but its peak lies beyond the trace.
    double[] dr = java.util.Arrays.copyOf(d, 5);
    double[] yr = java.util.Arrays.copyOf(y, 5);
    OveroptimizationFit rising = OveroptimizationFit.fit(dr, yr, 0.6);
    assertTrue(!rising.hasPeak(), "no peak claimed beyond the trace: beta " + rising.beta() + " d* candidate");
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> OveroptimizationFit.fit(new double[2], new double[3], 0));
    assertThrows(IllegalArgumentException.class,
        () -> OveroptimizationFit.fit(new double[] {-1, 1, 2}, new double[3], 0));
    assertTrue(Double.isNaN(OveroptimizationFit.fit(new double[] {1, 2}, new double[] {1, 2}, 0).alpha()));
  }
}
