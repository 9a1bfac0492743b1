package dev.align4j.core.eval;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Gao, Schulman and Hilton (2022), "Scaling Laws for Reward Model Overoptimization", eq. 2: under RL the gold score
 * moves with the distance {@code d = √KL} from the initial policy as {@code R(d) = d(α − β·ln d)}, rising, peaking at
 * {@code d* = e^{α/β − 1}} and falling. Fitted by least squares (no intercept) to gold gains {@code R − R(0)}.
 *
 * <p>A peak is reported only when the data show one: β must exceed twice its standard error (a straight line fits
 * β = 0 up to rounding, and β = +1e−17 would otherwise put a "peak" at e^{10^17}), and {@code d*} must lie within the
 * traced distances (a peak beyond the last point is an extrapolation the trace cannot support, and one before the
 * first point is a fall from the start).
 *
 * @param alpha α
 * @param beta β (not the KL coefficient)
 * @param betaStandardError the OLS standard error of β
 * @param dStar the distance of the peak; NaN when the fit shows none (see {@link #hasPeak})
 * @param r2 coefficient of determination of the fit
 */
public record OveroptimizationFit(double alpha, double beta, double betaStandardError, double dStar, double r2) {

  /** How many standard errors β must exceed zero by before the fit counts as turning down. */
  public static final double PEAK_STANDARD_ERRORS = 2.0;

  /**
   * Fits gains {@code y[i] − y0} over {@code d[i]}.
   *
   * @param d distances √KL (≥ 0)
   * @param y gold scores at those distances
   * @param y0 the gold score at d = 0
   * @return the fit, all NaN when fewer than 3 points or a degenerate design leave it undetermined
   */
  public static OveroptimizationFit fit(double[] d, double[] y, double y0) {
    if (d.length != y.length) {
      throw new IllegalArgumentException("d and y must have the same length, got " + d.length + " and " + y.length);
    }
    for (double di : d) {
      if (!(di >= 0)) {
        throw new IllegalArgumentException("distances d = sqrt(KL) must be >= 0, got " + di);
      }
    }
    if (d.length < 3) {
      return undetermined();
    }
    double[][] x = new double[d.length][2];
    double[] target = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      x[i][0] = d[i];
      x[i][1] = d[i] > 0 ? -d[i] * Math.log(d[i]) : 0;
      target[i] = y[i] - y0;
    }
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.setNoIntercept(true);
    try {
      ols.newSampleData(target, x);
      double[] b = ols.estimateRegressionParameters();
      double betaSe = ols.estimateRegressionParametersStandardErrors()[1];
      double ssRes = ols.calculateResidualSumOfSquares();
      double mean = 0;
      for (double t : target) {
        mean += t;
      }
      mean /= target.length;
      double ssTot = 0;
      for (double t : target) {
        ssTot += (t - mean) * (t - mean);
      }
      double r2 = ssTot == 0 ? Double.NaN : 1 - ssRes / ssTot;
      double minD = Double.POSITIVE_INFINITY;
      double maxD = 0;
      for (double di : d) {
        maxD = Math.max(maxD, di);
        minD = di > 0 ? Math.min(minD, di) : minD;
      }
      double candidate = b[1] > 0 ? Math.exp(b[0] / b[1] - 1) : Double.NaN;
      // Written so that NaN fails: an undetermined standard error or peak never counts as a peak. A peak before the
      // first traced distance (α < 0: gold falls from the start) is no turn the trace shows either.
      boolean significant = b[1] > PEAK_STANDARD_ERRORS * betaSe;
      boolean traced = candidate >= minD && candidate <= maxD;
      double dStar = significant && traced ? candidate : Double.NaN;
      return new OveroptimizationFit(b[0], b[1], betaSe, dStar, r2);
    } catch (RuntimeException singular) {
      return undetermined();
    }
  }

  private static OveroptimizationFit undetermined() {
    return new OveroptimizationFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /** Whether the fit turns down within the traced distances, β significantly positive. */
  public boolean hasPeak() {
    return !Double.isNaN(dStar);
  }

  /** The fitted gain at distance {@code d}. */
  public double gain(double d) {
    return d > 0 ? d * (alpha - beta * Math.log(d)) : 0;
  }
}
