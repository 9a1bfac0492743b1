package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import java.util.Arrays;
import java.util.Objects;

/**
 * A candidate pair for labelling: two completions of one prompt and each ensemble member's margin
 * {@code r(first) − r(second)}. What an {@link Acquisition} ranks.
 *
 * @param id a name unique within its batch (the loop's pair id)
 * @param prompt the prompt, plain text or chat turns
 * @param first completion 0
 * @param second completion 1
 * @param margins one margin per ensemble member, in member order; copied in and out
 */
public record Candidate(String id, Text prompt, String first, String second, double[] margins) {
  /**
   * Validates the fields and copies {@code margins}; throws {@link NullPointerException} for a null field and
   * {@link IllegalArgumentException} for a blank id, no margins or a non-finite margin.
   */
  public Candidate {
    checkNotNull(id, "id");
    checkArgument(!id.isBlank(), "candidate id must not be blank");
    checkNotNull(prompt, "prompt of candidate %s", id);
    checkNotNull(first, "first completion of candidate %s", id);
    checkNotNull(second, "second completion of candidate %s", id);
    checkNotNull(margins, "margins of candidate %s", id);
    checkArgument(margins.length > 0, "candidate %s has no margins (need one per ensemble member, at least one)", id);
    margins = margins.clone();
    for (int k = 0; k < margins.length; k++) {
      checkArgument(Double.isFinite(margins[k]), "candidate %s: margin of member %s must be finite, got %s", id, k,
          margins[k]);
    }
  }

  /** A candidate of {@code pair} with these margins. */
  public static Candidate of(CandidatePair pair, double[] margins) {
    return new Candidate(pair.id(), pair.prompt(), pair.first(), pair.second(), margins);
  }

  /** The pair without its scores: what a labeller sees. */
  public CandidatePair pair() {
    return new CandidatePair(id, prompt, first, second);
  }

  /** The margins, one per member (a copy: the candidate stays immutable). */
  @Override
  public double[] margins() {
    return margins.clone();
  }

  /** The number of ensemble members that scored the pair. */
  public int members() {
    return margins.length;
  }

  /** The mean margin over members. */
  public double meanMargin() {
    double sum = 0;
    for (double m : margins) {
      sum += m;
    }
    return sum / margins.length;
  }

  /**
   * The Bradley–Terry probability {@code P(first ≻ second) = σ(mean margin)} (Bradley & Terry 1952; the reward
   * model's own reading of its scores). It rounds to 0 or 1 beyond a margin of about ±37; rank by
   * {@code |meanMargin()|} where that matters.
   */
  public double preferenceProbability() {
    return 1 / (1 + Math.exp(-meanMargin()));
  }

  /**
   * The population variance of the margins over members (0 for one member): Christiano et al. 2017's ensemble
   * disagreement. Population, not sample, variance: it is a property of this ensemble, not an estimate of a wider one.
   */
  public double marginVariance() {
    double mean = meanMargin();
    double sum = 0;
    for (double m : margins) {
      sum += (m - mean) * (m - mean);
    }
    return sum / margins.length;
  }

  // A record compares arrays by reference; candidates are values, so compare the margins' contents.
  @Override
  public boolean equals(Object o) {
    return o instanceof Candidate c && id.equals(c.id) && prompt.equals(c.prompt) && first.equals(c.first)
        && second.equals(c.second) && Arrays.equals(margins, c.margins);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, prompt, first, second, Arrays.hashCode(margins));
  }

  @Override
  public String toString() {
    return "Candidate[id=" + id + ", margins=" + Arrays.toString(margins) + "]";
  }
}
