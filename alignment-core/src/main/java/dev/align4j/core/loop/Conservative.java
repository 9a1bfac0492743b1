package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * How an ensemble's member scores of one sample become the reward RL optimises (Coste et al. 2023, "Reward Model
 * Ensembles Help Mitigate Overoptimization"): the mean, or a conservative score that an ensemble's disagreement pulls
 * down, so a policy gains little from completions only some members like.
 */
public sealed interface Conservative permits Conservative.Mean, Conservative.WorstCase, Conservative.MeanMinusStd {
  /**
   * One sample's reward from its member scores.
   *
   * @param memberScores one finite score per member, at least one; not modified
   * @return the aggregate
   */
  double aggregate(double[] memberScores);

  /** The command line's spelling, which {@link #parse} reads back: {@code mean}, {@code worst}, {@code mean-std:λ}. */
  String name();

  /**
   * The aggregate of a command-line spec.
   *
   * @param spec {@code mean}, {@code worst} or {@code mean-std:LAMBDA} (LAMBDA a finite number {@code >= 0})
   * @return the variant
   * @throws IllegalArgumentException naming the value and the allowed forms
   */
  static Conservative parse(String spec) {
    checkNotNull(spec, "conservative aggregate spec");
    if (spec.equals("mean")) {
      return new Mean();
    }
    if (spec.equals("worst")) {
      return new WorstCase();
    }
    if (spec.startsWith(MeanMinusStd.PREFIX)) {
      String lambda = spec.substring(MeanMinusStd.PREFIX.length());
      double value;
      try {
        value = Double.parseDouble(lambda);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("conservative aggregate '" + spec + "': lambda '" + lambda
            + "' is not a number (write for example mean-std:0.5)", e);
      }
      return new MeanMinusStd(value);
    }
    throw new IllegalArgumentException("unknown conservative aggregate '" + spec + "': expected mean, worst or "
        + "mean-std:LAMBDA (for example mean-std:0.5)");
  }

  /** The mean of the member scores: no penalty for disagreement (Coste et al.'s "mean optimization"). */
  record Mean() implements Conservative {
    @Override
    public double aggregate(double[] memberScores) {
      return mean(checked(memberScores));
    }

    @Override
    public String name() {
      return "mean";
    }
  }

  /** The lowest member score (Coste et al.'s worst-case optimization, WCO): never above any member. */
  record WorstCase() implements Conservative {
    @Override
    public double aggregate(double[] memberScores) {
      double min = Double.POSITIVE_INFINITY;
      for (double s : checked(memberScores)) {
        min = Math.min(min, s);
      }
      return min;
    }

    @Override
    public String name() {
      return "worst";
    }
  }

  /**
   * {@code mean − λ·std} of the member scores, population standard deviation. Coste et al.'s uncertainty-weighted
   * optimization (UWO) subtracts {@code λ·variance}; the standard deviation is in the scores' own units, so one λ
   * means the same penalty whatever the reward scale. λ = 0 is {@link Mean}.
   *
   * @param lambda the weight of the standard deviation, finite and {@code >= 0}
   */
  record MeanMinusStd(double lambda) implements Conservative {
    static final String PREFIX = "mean-std:";

    /** Validates {@code lambda}: finite and {@code >= 0}. */
    public MeanMinusStd {
      checkArgument(lambda >= 0 && lambda < Double.POSITIVE_INFINITY,
          "mean-std lambda must be finite and >= 0 (0 is the plain mean), got %s", lambda);   // NaN fails
    }

    @Override
    public double aggregate(double[] memberScores) {
      double mean = mean(checked(memberScores));
      double sum = 0;
      for (double s : memberScores) {
        sum += (s - mean) * (s - mean);
      }
      return mean - lambda * Math.sqrt(sum / memberScores.length);
    }

    @Override
    public String name() {
      return PREFIX + lambda;
    }
  }

  private static double[] checked(double[] memberScores) {
    checkNotNull(memberScores, "memberScores");
    checkArgument(memberScores.length > 0, "memberScores must hold one score per member, at least one; got none");
    for (int k = 0; k < memberScores.length; k++) {
      checkArgument(Double.isFinite(memberScores[k]), "member %s's score must be finite, got %s", k,
          (Object) memberScores[k]);
    }
    return memberScores;
  }

  /**
   * The mean, kept within [min, max]: the exact mean always is, but a rounded sum can step one ulp past (three
   * scores of 0.1 sum to 0.30000000000000004, whose third is above 0.1), and RL should never see an average above
   * every member.
   */
  private static double mean(double[] xs) {
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    return Math.min(max, Math.max(min, sum / xs.length));
  }
}
