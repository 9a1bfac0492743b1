package dev.align4j.benchmarks;

/**
 * The formulas as a textbook (or a first port of PyTorch code) writes them, for the naive baselines: double
 * precision, {@link Math#exp}, a pass per step and a temporary per row.
 */
final class Textbook {
  private Textbook() {}

  /** log-softmax of {@code x[off..off+n)·scale}: a pass for the maximum, one for the sum, one for the result. */
  static double[] logSoftmax(float[] x, int off, int n, double scale) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[off + i] * scale);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.exp(x[off + i] * scale - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = x[off + i] * scale - lse;
    }
    return out;
  }
}
