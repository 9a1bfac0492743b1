package dev.align4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Examples read from a file, with what reading found.
 *
 * @param examples the examples in file order
 * @param report counts of duplicates, ties and drops
 * @param <T> the example type
 */
public record Dataset<T>(List<T> examples, DataReport report) {
  public Dataset {
    examples = List.copyOf(examples);
  }

  /** Number of examples. */
  public int size() {
    return examples.size();
  }

  /** The examples in an order fixed by {@code seed} (Fisher–Yates with {@code java.util.Random}). */
  public List<T> shuffled(long seed) {
    List<T> copy = new ArrayList<>(examples);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  /**
   * A deterministic split: shuffled with {@code seed}, the first {@code evalFraction} held out.
   *
   * @param evalFraction in [0, 1); at least one example stays in training
   */
  public Split<T> split(double evalFraction, long seed) {
    checkArgument(evalFraction >= 0 && evalFraction < 1, "evalFraction must be in [0, 1), got %s", evalFraction);
    List<T> s = shuffled(seed);
    int eval = (int) Math.floor(s.size() * evalFraction);
    checkArgument(s.size() - eval >= 1, "no training examples left after holding out %s of %s", eval, s.size());
    return new Split<>(s.subList(eval, s.size()), s.subList(0, eval));
  }

  /** Training and evaluation examples. */
  public record Split<T>(List<T> train, List<T> eval) {
    public Split {
      train = List.copyOf(train);
      eval = List.copyOf(eval);
    }
  }
}
