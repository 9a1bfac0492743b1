package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The share of labels that agree with reference labels, with its 95 % Wilson score interval (Wilson 1927; better
 * than the normal approximation near 0 or 1 and for small counts).
 *
 * @param n labels compared
 * @param agreeing those that pick the reference's better completion
 */
public record Agreement(int n, int agreeing) {
  private static final double Z = 1.959963984540054;   // the 97.5 % normal quantile

  public Agreement {
    checkArgument(n >= 0 && agreeing >= 0 && agreeing <= n, "need 0 <= agreeing (%s) <= n (%s)", agreeing, n);
  }

  /** The share; NaN when nothing was compared. */
  public double rate() {
    return n == 0 ? Double.NaN : agreeing / (double) n;
  }

  /** Lower end of the 95 % interval; NaN when nothing was compared. */
  public double low() {
    return bound(-1);
  }

  /** Upper end of the 95 % interval; NaN when nothing was compared. */
  public double high() {
    return bound(1);
  }

  private double bound(int sign) {
    if (n == 0) {
      return Double.NaN;
    }
    double p = rate();
    double z2 = Z * Z;
    double centre = p + z2 / (2 * n);
    double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return (centre + sign * spread) / (1 + z2 / n);
  }
}
