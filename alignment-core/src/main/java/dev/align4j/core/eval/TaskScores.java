package dev.align4j.core.eval;

import dev.align4j.core.task.Family;
import java.util.Map;

/**
 * How a policy does on held-out tasks, judged by the gold standard, with the sampling error of each share.
 *
 * <p>Standard errors treat the held-out tasks as the sampled units (several completions of one prompt are not
 * independent): {@code SE = sd(per-task share) / √tasks}. A difference between two stages evaluated on the same
 * tasks has at most {@code √(SE_a² + SE_b²)} (positively correlated shares only shrink it), so tests compare effects
 * against that.
 *
 * @param goldAccuracy share of samples exactly right without filler
 * @param contentAccuracy share right once filler is ignored
 * @param fillerRate share carrying the filler
 * @param perFamily the three numbers per family: {@code [gold, content, filler]}
 * @param distinct2 distinct character bigrams over all bigrams of the completions (diversity; mode collapse lowers it)
 * @param samples number of samples judged
 * @param goldStandardError standard error of {@code goldAccuracy}
 * @param contentStandardError standard error of {@code contentAccuracy}
 * @param fillerStandardError standard error of {@code fillerRate}
 */
public record TaskScores(double goldAccuracy, double contentAccuracy, double fillerRate,
    Map<Family, double[]> perFamily, double distinct2, int samples, double goldStandardError,
    double contentStandardError, double fillerStandardError) {

  /** The standard error of a difference between two independent (or positively correlated) estimates. */
  public static double differenceStandardError(double a, double b) {
    return Math.sqrt(a * a + b * b);
  }

  /** Standard error of the mean of {@code values}, {@code sd / √n} with the unbiased variance; 0 for n < 2. */
  public static double standardError(double[] values) {
    int n = values.length;
    if (n < 2) {
      return 0;
    }
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= n;
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    return Math.sqrt(ss / (n - 1) / n);
  }
}
