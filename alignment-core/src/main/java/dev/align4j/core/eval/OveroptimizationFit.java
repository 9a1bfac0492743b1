package dev.align4j.core.eval;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Gao, Schulman and Hilton (2022), "Scaling Laws for Reward Model Overoptimization", eq. 2: under RL the gold score
 * moves with the distance {@code d = √KL} from the initial policy as {@code R(d) = d(α − β·ln d)}, rising, peaking at
 * {@code d* = e^{α/β − 1}} and falling. Fitted by least squares (no intercept) to gold gains {@code R − R(0)}.
 *
 * @param alpha α
 * @param beta β (not the KL coefficient)
 * @param dStar the distance of the peak, NaN when β ≤ 0 (no peak within the form)
 * @param r2 coefficient of determination of the fit
 */
public record OveroptimizationFit(double alpha, double beta, double dStar, double r2) {

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
      return new OveroptimizationFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
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
      double dStar = b[1] > 0 ? Math.exp(b[0] / b[1] - 1) : Double.NaN;
      return new OveroptimizationFit(b[0], b[1], dStar, r2);
    } catch (RuntimeException singular) {
      return new OveroptimizationFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
  }

  /** The fitted gain at distance {@code d}. */
  public double gain(double d) {
    return d > 0 ? d * (alpha - beta * Math.log(d)) : 0;
  }
}
