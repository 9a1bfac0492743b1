package dev.align4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.Text;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the acquisition functions: how many pairs, which ones, in what order, for any number of candidates
 * and any budget, with ties in the margins (a small integer grid) and exact duplicate candidates.
 */
class AcquisitionProperties {

  /**
   * {@code n} candidates of {@code k} members: margins on a half-integer grid in [−4, 4] half the time (exact ties
   * and sign-symmetric pairs m, −m), else Gaussian; every fifth candidate a copy of an earlier one.
   */
  static List<Candidate> candidates(int n, int k, long seed) {
    Random r = new Random(seed);
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i > 0 && i % 5 == 0) {
        Candidate c = out.get(r.nextInt(i));
        out.add(new Candidate(c.id(), c.prompt(), c.first(), c.second(), c.margins()));
        continue;
      }
      double[] m = new double[k];
      boolean grid = r.nextBoolean();
      for (int j = 0; j < k; j++) {
        m[j] = grid ? (r.nextInt(17) - 8) / 2.0 : r.nextGaussian() * 3;
      }
      out.add(new Candidate("c" + i, Text.plain("p" + i), "a" + i, "b" + i, m));
    }
    return out;
  }

  static List<Acquisition> all(long seed) {
    return List.of(new Acquisition.Uncertainty(), new Acquisition.Disagreement(), new Acquisition.Random(seed));
  }

  @Property(tries = 300)
  void everyAcquisitionReturnsExactlyMinOfBudgetAndSizeDistinctCandidates(@ForAll @IntRange(min = 0, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 60) int budget, @ForAll @IntRange(min = 2, max = 5) int k,
      @ForAll long seed) {
    List<Candidate> cs = candidates(n, k, seed);
    for (Acquisition a : all(seed)) {
      int[] idx = a.indices(cs, budget);
      List<Candidate> chosen = a.select(cs, budget);
      assertEquals(Math.min(budget, n), idx.length, a.name() + " with n " + n + ", budget " + budget);
      assertEquals(idx.length, chosen.size(), a.name());
      Set<Integer> distinct = new HashSet<>();
      for (int j = 0; j < idx.length; j++) {
        assertTrue(idx[j] >= 0 && idx[j] < n, a.name() + ": position " + idx[j] + " out of range");
        assertTrue(distinct.add(idx[j]), a.name() + ": position " + idx[j] + " chosen twice");
        assertSame(cs.get(idx[j]), chosen.get(j), a.name() + ": select returns the candidates at its positions");
      }
    }
  }

  /** A larger budget only adds pairs: the choice of B is the first B of the choice of B + 1. */
  @Property(tries = 200)
  void aLargerBudgetExtendsTheSmallerChoice(@ForAll @IntRange(min = 0, max = 30) int n,
      @ForAll @IntRange(min = 0, max = 30) int budget, @ForAll long seed) {
    List<Candidate> cs = candidates(n, 3, seed);
    for (Acquisition a : all(seed)) {
      int[] small = a.indices(cs, budget);
      int[] large = a.indices(cs, budget + 1);
      assertArrayEquals(small, Arrays.copyOf(large, small.length), a.name());
    }
  }

  /**
   * The brute force: sort every position by {@code key}, ties by position, and take the first B. The keys are the
   * candidate's own {@code meanMargin} and {@code marginVariance} (checked against hand values in
   * {@link CandidateTest}): recomputed here in another summation order, permuted margins would tie differently by an
   * ulp.
   */
  private static int[] bruteForce(List<Candidate> cs, int budget, ToDoubleFunction<Candidate> key) {
    Integer[] pos = IntStream.range(0, cs.size()).boxed().toArray(Integer[]::new);
    Arrays.sort(pos, Comparator.<Integer>comparingDouble(i -> key.applyAsDouble(cs.get(i)))
        .thenComparingInt(i -> i));
    return Arrays.stream(pos).limit(budget).mapToInt(Integer::intValue).toArray();
  }

  private static double mean(double[] m) {
    return Arrays.stream(m).sum() / m.length;
  }

  private static double distanceFromHalf(Candidate c) {
    return Math.abs(1 / (1 + Math.exp(-mean(c.margins()))) - 0.5);
  }

  @Property(tries = 300)
  void uncertaintyReturnsTheBPairsNearestOneHalf(@ForAll @IntRange(min = 0, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 45) int budget, @ForAll @IntRange(min = 1, max = 4) int k,
      @ForAll long seed) {
    List<Candidate> cs = candidates(n, k, seed);
    int[] got = new Acquisition.Uncertainty().indices(cs, budget);
    assertArrayEquals(bruteForce(cs, budget, c -> Math.abs(c.meanMargin())), got, "sorted by |mean margin|, then position");
    // and in P itself: nothing left out is nearer ½ than anything chosen, and the choice runs nearest first
    // (1e-12: σ(m) and σ(−m), and means summed in another order, may sit ulps apart)
    Set<Integer> chosen = new HashSet<>();
    double worstChosen = 0;
    for (int j = 0; j < got.length; j++) {
      chosen.add(got[j]);
      double d = distanceFromHalf(cs.get(got[j]));
      assertTrue(d >= worstChosen - 1e-12, "nearest ½ first, at rank " + j);
      worstChosen = Math.max(worstChosen, d);
    }
    for (int i = 0; i < n; i++) {
      if (!chosen.contains(i)) {
        assertTrue(distanceFromHalf(cs.get(i)) >= worstChosen - 1e-12, "left out " + i + " is nearer ½ than a chosen"
            + " pair");
      }
    }
  }

  @Property(tries = 300)
  void disagreementReturnsTheBPairsOfLargestMarginVariance(@ForAll @IntRange(min = 0, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 45) int budget, @ForAll @IntRange(min = 2, max = 5) int k,
      @ForAll long seed) {
    List<Candidate> cs = candidates(n, k, seed);
    int[] got = new Acquisition.Disagreement().indices(cs, budget);
    assertArrayEquals(bruteForce(cs, budget, c -> -c.marginVariance()), got, "sorted by variance, largest first, then "
        + "position");
    Set<Integer> chosen = new HashSet<>();
    double leastChosen = Double.POSITIVE_INFINITY;
    for (int i : got) {
      chosen.add(i);
      leastChosen = Math.min(leastChosen, cs.get(i).marginVariance());
    }
    for (int i = 0; i < n; i++) {
      if (!chosen.contains(i)) {
        assertTrue(cs.get(i).marginVariance() <= leastChosen, "left out " + i + " disagrees more than a chosen pair");
      }
    }
  }

  @Property(tries = 200)
  void randomIsReproduciblePerSeedAndDiffersAcrossSeeds(@ForAll @IntRange(min = 20, max = 40) int n,
      @ForAll @IntRange(min = 5, max = 20) int budget, @ForAll long seed) {
    List<Candidate> cs = candidates(n, 2, 1);
    assertArrayEquals(new Acquisition.Random(seed).indices(cs, budget),
        new Acquisition.Random(seed).indices(cs, budget), "same seed, same sample");
    // two ordered samples of 5 from 20 agree with probability 1 / (20·19·18·17·16) ≈ 5e-7
    assertNotEquals(Arrays.toString(new Acquisition.Random(seed).indices(cs, budget)),
        Arrays.toString(new Acquisition.Random(seed + 1).indices(cs, budget)), "another seed, another sample");
  }

  /** Without replacement and uniform: over 4,000 seeds each of 10 positions is chosen about 3 times in 10. */
  @Example
  void randomChoosesEveryPositionAboutEquallyOften() {
    List<Candidate> cs = candidates(10, 2, 3);
    int[] count = new int[10];
    int seeds = 4000;
    for (long s = 0; s < seeds; s++) {
      for (int i : new Acquisition.Random(s).indices(cs, 3)) {
        count[i]++;
      }
    }
    for (int i = 0; i < 10; i++) {
      // binomial(4000, 0.3): standard deviation 29, so ±120 is four of them
      assertEquals(1200, count[i], 120, "position " + i + " chosen " + count[i] + " times: " + Arrays.toString(count));
    }
  }

  @Example
  void disagreementRefusesCandidatesOfOneMember() {
    List<Candidate> cs = candidates(4, 1, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Acquisition.Disagreement().select(cs, 2));
    assertTrue(e.getMessage().contains("disagreement needs margins of at least 2 ensemble members, but candidate c0"
        + " has 1"), e.getMessage());
    assertEquals(2, new Acquisition.Uncertainty().select(cs, 2).size(), "uncertainty works with one member");
  }

  @Example
  void aNegativeBudgetOrANullCandidateIsRefused() {
    List<Candidate> cs = candidates(3, 2, 5);
    for (Acquisition a : all(1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.select(cs, -1));
      assertEquals("budget must be >= 0 (the number of pairs to label), got -1", e.getMessage());
      List<Candidate> withNull = new ArrayList<>(cs);
      withNull.add(1, null);
      NullPointerException npe = assertThrows(NullPointerException.class, () -> a.select(withNull, 1));
      assertEquals("candidate at position 1 is null", npe.getMessage());
      assertEquals(List.of(), a.select(List.of(), 5), a.name() + " of no candidates");
    }
  }

  @Example
  void parseReadsTheCommandLineNamesAndNamesTheAllowedOnes() {
    assertEquals(new Acquisition.Uncertainty(), Acquisition.parse("uncertainty", 9));
    assertEquals(new Acquisition.Disagreement(), Acquisition.parse("disagreement", 9));
    assertEquals(new Acquisition.Random(9), Acquisition.parse("random", 9));
    for (Acquisition a : all(4)) {
      assertEquals(a, Acquisition.parse(a.name(), 4), "name() parses back");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Acquisition.parse("Random", 1));
    assertEquals("unknown acquisition 'Random': expected one of uncertainty, disagreement, random", e.getMessage());
    assertThrows(NullPointerException.class, () -> Acquisition.parse(null, 1));
  }
}
