package dev.align4j.core.loop;

import dev.align4j.api.data.Text;

/** TEMP stand-in for the acquisition branch: a scored candidate pair. */
public record Candidate(String id, Text prompt, String first, String second, double[] margins) {
  public Candidate {
    margins = margins.clone();
  }

  @Override
  public double[] margins() {
    return margins.clone();
  }

  /** Mean over members of r(first) − r(second). */
  public double meanMargin() {
    double s = 0;
    for (double m : margins) {
      s += m;
    }
    return s / margins.length;
  }

  /** σ(mean margin). */
  public double preferenceProbability() {
    return 1 / (1 + Math.exp(-meanMargin()));
  }

  /** Variance of the members' margins. */
  public double marginVariance() {
    double mean = meanMargin();
    double s = 0;
    for (double m : margins) {
      s += (m - mean) * (m - mean);
    }
    return s / margins.length;
  }
}
