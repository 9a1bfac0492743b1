package dev.align4j.core.reward;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;

/**
 * The reward model's own failure modes, on held-out pairs: preference accuracy and mean margin; length bias (the
 * Pearson correlation between a response's score and its length in tokens, over chosen and rejected responses; a
 * proxy that rewards length correlates strongly); formatting sensitivity (the mean absolute score change when only
 * whitespace or punctuation changes).
 *
 * @param accuracy share of pairs scored chosen &gt; rejected
 * @param margin mean chosen − rejected score
 * @param lengthCorrelation Pearson r of score and response length
 * @param formattingSensitivity mean |score(edited) − score(original)|
 */
public record RewardEvaluation(double accuracy, double margin, double lengthCorrelation,
    double formattingSensitivity) {

  /** The evaluation in a reward trainer's result metrics ({@code eval/accuracy}, …); NaN where absent. */
  public static RewardEvaluation from(java.util.Map<String, Double> metrics) {
    return new RewardEvaluation(metrics.getOrDefault("eval/accuracy", Double.NaN),
        metrics.getOrDefault("eval/margin", Double.NaN), metrics.getOrDefault("eval/length_correlation", Double.NaN),
        metrics.getOrDefault("eval/formatting_sensitivity", Double.NaN));
  }

  /** Pearson correlation, 0 when either side is constant (undefined). */
  static double correlation(double[] x, double[] y) {
    if (x.length < 3) {
      return 0;
    }
    double r = new PearsonsCorrelation().correlation(x, y);
    return Double.isFinite(r) ? r : 0;
  }
}
