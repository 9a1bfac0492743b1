package dev.align4j.core.loop;

/** TEMP stand-in for the acquisition branch. */
public sealed interface Conservative {
  /** Aggregates member scores. */
  double aggregate(double[] scores);

  /** mean, worst or mean-std:L. */
  static Conservative parse(String name) {
    if (name.equals("mean")) {
      return new Mean();
    }
    if (name.equals("worst")) {
      return new WorstCase();
    }
    if (name.startsWith("mean-std:")) {
      return new MeanMinusStd(Double.parseDouble(name.substring("mean-std:".length())));
    }
    throw new IllegalArgumentException("conservative must be mean, worst or mean-std:L, got " + name);
  }

  /** Mean. */
  record Mean() implements Conservative {
    @Override
    public double aggregate(double[] s) {
      double t = 0;
      for (double v : s) {
        t += v;
      }
      return t / s.length;
    }
  }

  /** Min. */
  record WorstCase() implements Conservative {
    @Override
    public double aggregate(double[] s) {
      double m = Double.POSITIVE_INFINITY;
      for (double v : s) {
        m = Math.min(m, v);
      }
      return m;
    }
  }

  /** Mean − λ·std. */
  record MeanMinusStd(double lambda) implements Conservative {
    @Override
    public double aggregate(double[] s) {
      double mean = new Mean().aggregate(s);
      double var = 0;
      for (double v : s) {
        var += (v - mean) * (v - mean);
      }
      return mean - lambda * Math.sqrt(var / s.length);
    }
  }
}
