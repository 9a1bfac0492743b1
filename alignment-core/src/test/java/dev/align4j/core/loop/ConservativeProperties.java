package dev.align4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Properties of the conservative aggregates of an ensemble's member scores. */
class ConservativeProperties {

  /** {@code k} member scores: Gaussian of scale up to 1e3, or one repeated value (every member agrees). */
  static double[] scores(int k, long seed) {
    Random r = new Random(seed);
    double scale = Math.pow(10, r.nextInt(7) - 3);
    double[] s = new double[k];
    boolean agree = r.nextInt(4) == 0;
    for (int i = 0; i < k; i++) {
      s[i] = agree && i > 0 ? s[0] : r.nextGaussian() * scale;
    }
    return s;
  }

  @Property(tries = 500)
  void worstCaseIsNeverAboveAnyMember(@ForAll @IntRange(min = 1, max = 8) int k, @ForAll long seed) {
    double[] s = scores(k, seed);
    double w = new Conservative.WorstCase().aggregate(s);
    for (int i = 0; i < k; i++) {
      assertTrue(w <= s[i], "worst " + w + " above member " + i + " " + s[i] + " of " + Arrays.toString(s));
    }
    assertTrue(Arrays.stream(s).anyMatch(x -> x == w), "the worst case is one of the members' scores");
  }

  @Property(tries = 500)
  void meanLiesBetweenTheLowestAndTheHighestMember(@ForAll @IntRange(min = 1, max = 8) int k, @ForAll long seed) {
    double[] s = scores(k, seed);
    double m = new Conservative.Mean().aggregate(s);
    double min = Arrays.stream(s).min().orElseThrow();
    double max = Arrays.stream(s).max().orElseThrow();
    assertTrue(min <= m && m <= max, "mean " + m + " outside [" + min + ", " + max + "]");
    assertEquals(Arrays.stream(s).average().orElseThrow(), m, 1e-12 * (1 + Math.abs(max) + Math.abs(min)));
  }

  /** Three scores of 0.1 sum to 0.30000000000000004, a third of which is above 0.1: the mean must not be. */
  @Example
  void theMeanOfEqualScoresIsThatScore() {
    assertEquals(0.1, new Conservative.Mean().aggregate(new double[] {0.1, 0.1, 0.1}));
    assertEquals(0.1, new Conservative.MeanMinusStd(2).aggregate(new double[] {0.1, 0.1, 0.1}));
  }

  @Property(tries = 500)
  void meanMinusStdIsAtMostTheMeanFallsWithLambdaAndIsTheMeanAtZero(@ForAll @IntRange(min = 1, max = 8) int k,
      @ForAll long seed, @ForAll @DoubleRange(min = 0, max = 10) double lambda,
      @ForAll @DoubleRange(min = 0, max = 10) double more) {
    double[] s = scores(k, seed);
    double mean = new Conservative.Mean().aggregate(s);
    double penalised = new Conservative.MeanMinusStd(lambda).aggregate(s);
    assertTrue(penalised <= mean, "mean-std " + penalised + " above mean " + mean);
    assertTrue(new Conservative.MeanMinusStd(lambda + more).aggregate(s) <= penalised, "a larger lambda never "
        + "raises the reward");
    assertEquals(mean, new Conservative.MeanMinusStd(0).aggregate(s), "lambda 0 is the mean, exactly");
    double mu = Arrays.stream(s).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(s).map(x -> (x - mu) * (x - mu)).sum() / k);
    assertEquals(mu - lambda * std, penalised, 1e-9 * (1 + Math.abs(mu) + lambda * std), "population std");
  }

  @Property(tries = 100)
  void oneMemberIsItsOwnAggregate(@ForAll @DoubleRange(min = -1e6, max = 1e6) double x,
      @ForAll @DoubleRange(min = 0, max = 10) double lambda) {
    for (Conservative c : List.of(new Conservative.Mean(), new Conservative.WorstCase(),
        new Conservative.MeanMinusStd(lambda))) {
      assertEquals(x, c.aggregate(new double[] {x}), c.name());
    }
  }

  @Example
  void handValues() {
    double[] s = {1, 3};                                                   // mean 2, population std 1
    assertEquals(2, new Conservative.Mean().aggregate(s));
    assertEquals(1, new Conservative.WorstCase().aggregate(s));
    assertEquals(0.5, new Conservative.MeanMinusStd(1.5).aggregate(s), 1e-15);
  }

  @Example
  void parseReadsEachSpecAndNameParsesBack() {
    assertEquals(new Conservative.Mean(), Conservative.parse("mean"));
    assertEquals(new Conservative.WorstCase(), Conservative.parse("worst"));
    assertEquals(new Conservative.MeanMinusStd(0.5), Conservative.parse("mean-std:0.5"));
    assertEquals(new Conservative.MeanMinusStd(2), Conservative.parse("mean-std:2"));
    for (Conservative c : List.of(new Conservative.Mean(), new Conservative.WorstCase(),
        new Conservative.MeanMinusStd(0.25))) {
      assertEquals(c, Conservative.parse(c.name()), c.name());
    }
    assertEquals("mean-std:0.25", new Conservative.MeanMinusStd(0.25).name());
  }

  @Example
  void parseErrorsNameTheValueAndTheForms() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Conservative.parse("min"));
    assertEquals("unknown conservative aggregate 'min': expected mean, worst or mean-std:LAMBDA (for example "
        + "mean-std:0.5)", unknown.getMessage());
    IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
        () -> Conservative.parse("mean-std:lots"));
    assertEquals("conservative aggregate 'mean-std:lots': lambda 'lots' is not a number (write for example "
        + "mean-std:0.5)", notNumber.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Conservative.parse("mean-std:"));
    for (String bad : List.of("mean-std:-1", "mean-std:NaN", "mean-std:Infinity")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conservative.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("mean-std lambda must be finite and >= 0 (0 is the plain mean), got "),
          e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> Conservative.parse(null));
  }

  @Example
  void aggregatesRefuseNoScoresAndNonFiniteScores() {
    for (Conservative c : List.of(new Conservative.Mean(), new Conservative.WorstCase(),
        new Conservative.MeanMinusStd(1))) {
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
          () -> c.aggregate(new double[0]));
      assertEquals("memberScores must hold one score per member, at least one; got none", none.getMessage());
      IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
          () -> c.aggregate(new double[] {1, Double.NaN}));
      assertEquals("member 1's score must be finite, got NaN", nan.getMessage());
    }
  }
}
