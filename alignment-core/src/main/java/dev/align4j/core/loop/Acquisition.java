package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Which candidate pairs to spend the labelling budget on. Each variant returns exactly
 * {@code min(budget, candidates.size())} distinct candidates (distinct by position: two equal candidates at two
 * positions are two candidates), in a deterministic order, and the selection of budget B is always the first B of the
 * selection of budget B + 1, so a larger budget only adds pairs.
 */
public sealed interface Acquisition permits Acquisition.Uncertainty, Acquisition.Disagreement, Acquisition.Random {
  /** The command line's names, in the order error messages list them. */
  List<String> NAMES = List.of("uncertainty", "disagreement", "random");

  /**
   * The positions in {@code candidates} of the chosen pairs, best first.
   *
   * @param candidates the scored pairs; not null, no null element
   * @param budget how many to choose, {@code >= 0}; more than there are candidates chooses them all
   * @return {@code min(budget, candidates.size())} distinct positions
   */
  int[] indices(List<Candidate> candidates, int budget);

  /**
   * The chosen pairs, best first: {@link #indices} mapped to the candidates.
   *
   * @param candidates the scored pairs; not null, no null element
   * @param budget how many to choose, {@code >= 0}
   * @return exactly {@code min(budget, candidates.size())} distinct candidates
   */
  default List<Candidate> select(List<Candidate> candidates, int budget) {
    int[] idx = indices(candidates, budget);
    List<Candidate> out = new ArrayList<>(idx.length);
    for (int i : idx) {
      out.add(candidates.get(i));
    }
    return List.copyOf(out);
  }

  /** The command line's name: {@code uncertainty}, {@code disagreement} or {@code random}. */
  String name();

  /**
   * The acquisition of a command-line name.
   *
   * @param name one of {@link #NAMES}
   * @param seed the seed of {@link Random}; the other variants ignore it
   * @return the variant
   * @throws IllegalArgumentException naming the value and the allowed names
   */
  static Acquisition parse(String name, long seed) {
    checkNotNull(name, "acquisition name");
    return switch (name) {
      case "uncertainty" -> new Uncertainty();
      case "disagreement" -> new Disagreement();
      case "random" -> new Random(seed);
      default -> throw new IllegalArgumentException("unknown acquisition '" + name + "': expected one of "
          + String.join(", ", NAMES));
    };
  }

  /**
   * The pairs the reward model is least sure of: {@code P(first ≻ second)} nearest ½ first (Muldrew et al. 2024's
   * uncertainty acquisition), ties broken by position. Ranked by {@code |mean margin|}, which orders exactly as
   * {@code |σ(mean margin) − ½|} does (σ is increasing and symmetric about 0) but does not round every confident pair
   * to a tie at P = 1 beyond a margin of about 37. Works with one member (the plain reward model).
   */
  record Uncertainty() implements Acquisition {
    @Override
    public int[] indices(List<Candidate> candidates, int budget) {
      checkInput(candidates, budget);
      return ranked(candidates, budget, c -> Math.abs(c.meanMargin()));
    }

    @Override
    public String name() {
      return "uncertainty";
    }
  }

  /**
   * The pairs the ensemble members disagree on most: largest population variance of the margin first (Christiano et
   * al. 2017, §2.2.4), ties broken by position. Needs at least two members: with one the variance is 0 everywhere
   * and the choice would silently be the first pairs, so that is refused.
   */
  record Disagreement() implements Acquisition {
    @Override
    public int[] indices(List<Candidate> candidates, int budget) {
      checkInput(candidates, budget);
      for (Candidate c : candidates) {
        checkArgument(c.members() >= 2, "disagreement needs margins of at least 2 ensemble members, but candidate %s"
            + " has %s (train an ensemble with members >= 2, or use uncertainty or random)", c.id(), c.members());
      }
      return ranked(candidates, budget, c -> -c.marginVariance());     // largest variance first
    }

    @Override
    public String name() {
      return "disagreement";
    }
  }

  /**
   * The baseline: a uniform sample without replacement, reproducible from {@code seed} (a partial Fisher–Yates
   * shuffle of the positions with {@link java.util.Random}).
   *
   * @param seed fixes the sample
   */
  record Random(long seed) implements Acquisition {
    @Override
    public int[] indices(List<Candidate> candidates, int budget) {
      checkInput(candidates, budget);
      int n = candidates.size();
      int b = Math.min(budget, n);
      int[] pos = IntStream.range(0, n).toArray();
      java.util.Random r = new java.util.Random(seed);
      // Only the first b swaps are made, so the sample of b is the first b of the sample of b + 1.
      for (int i = 0; i < b; i++) {
        int j = i + r.nextInt(n - i);
        int t = pos[i];
        pos[i] = pos[j];
        pos[j] = t;
      }
      return Arrays.copyOf(pos, b);
    }

    @Override
    public String name() {
      return "random";
    }
  }

  private static void checkInput(List<Candidate> candidates, int budget) {
    checkNotNull(candidates, "candidates");
    checkArgument(budget >= 0, "budget must be >= 0 (the number of pairs to label), got %s", budget);
    for (int i = 0; i < candidates.size(); i++) {
      checkNotNull(candidates.get(i), "candidate at position %s is null", i);
    }
  }

  /** The first {@code budget} positions by ascending {@code key}, ties by position. */
  private static int[] ranked(List<Candidate> candidates, int budget, ToDoubleFunction<Candidate> key) {
    double[] k = new double[candidates.size()];
    for (int i = 0; i < k.length; i++) {
      k[i] = key.applyAsDouble(candidates.get(i));
    }
    return IntStream.range(0, k.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> k[i]).thenComparingInt(i -> i))
        .limit(budget).mapToInt(Integer::intValue).toArray();
  }
}
