package dev.align4j.core.loop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** TEMP stand-in for the acquisition branch. */
public sealed interface Acquisition {
  /** Picks {@code budget} candidates. */
  List<Candidate> select(List<Candidate> candidates, int budget);

  /** The name. */
  String name();

  /** uncertainty, disagreement or random. */
  static Acquisition parse(String name, long seed) {
    return switch (name) {
      case "uncertainty" -> new Uncertainty();
      case "disagreement" -> new Disagreement();
      case "random" -> new Random(seed);
      default -> throw new IllegalArgumentException("acquisition must be uncertainty, disagreement or random, got "
          + name);
    };
  }

  /** Nearest ½. */
  record Uncertainty() implements Acquisition {
    @Override
    public List<Candidate> select(List<Candidate> candidates, int budget) {
      List<Candidate> s = new ArrayList<>(candidates);
      s.sort(Comparator.comparingDouble((Candidate c) -> Math.abs(c.preferenceProbability() - 0.5)));
      return List.copyOf(s.subList(0, budget));
    }

    @Override
    public String name() {
      return "uncertainty";
    }
  }

  /** Largest variance. */
  record Disagreement() implements Acquisition {
    @Override
    public List<Candidate> select(List<Candidate> candidates, int budget) {
      List<Candidate> s = new ArrayList<>(candidates);
      s.sort(Comparator.comparingDouble((Candidate c) -> -c.marginVariance()));
      return List.copyOf(s.subList(0, budget));
    }

    @Override
    public String name() {
      return "disagreement";
    }
  }

  /** Uniform. */
  record Random(long seed) implements Acquisition {
    @Override
    public List<Candidate> select(List<Candidate> candidates, int budget) {
      List<Candidate> s = new ArrayList<>(candidates);
      Collections.shuffle(s, new java.util.Random(seed));
      return List.copyOf(s.subList(0, budget));
    }

    @Override
    public String name() {
      return "random";
    }
  }
}
