package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * What a judge, or a labeller over both orders, concluded about two answers. Only {@link Preferred} is a label; the
 * other outcomes are counted and reported, never turned into a side (TRL's removed judges made a failed call "the
 * second answer wins"; NeMo picks a random answer).
 */
public sealed interface Outcome
    permits Outcome.Preferred, Outcome.Tie, Outcome.Invalid, Outcome.Refused, Outcome.Failed {

  /**
   * A preference, soft: the probability that the first answer is the better one.
   *
   * @param pFirst in [0, 1]
   */
  record Preferred(double pFirst) implements Outcome {
    /**
     * Rejects a probability outside [0, 1] (NaN included) with {@link IllegalArgumentException}.
     *
     * @param pFirst in [0, 1]
     */
    public Preferred {
      checkArgument(pFirst >= 0 && pFirst <= 1, "pFirst must be in [0, 1], got %s", pFirst);
    }

    @Override
    public String kind() {
      return "preferred";
    }
  }

  /** The judge holds the answers equally good: no preference to learn from. */
  record Tie() implements Outcome {
    @Override
    public String kind() {
      return "tie";
    }
  }

  /**
   * The judge answered, but not with one of the options (for example, the option tokens are absent from the
   * returned {@code top_logprobs}).
   *
   * @param reason what was wrong with the answer
   */
  record Invalid(String reason) implements Outcome {
    /**
     * Rejects a null reason with {@link NullPointerException}.
     *
     * @param reason not null
     */
    public Invalid {
      checkNotNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "invalid";
    }
  }

  /**
   * The judge declined to answer (a content filter, a refusal message).
   *
   * @param reason the judge's words or the endpoint's refusal reason
   */
  record Refused(String reason) implements Outcome {
    /**
     * Rejects a null reason with {@link NullPointerException}.
     *
     * @param reason not null
     */
    public Refused {
      checkNotNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "refused";
    }
  }

  /**
   * The call did not complete (an HTTP error after the retries, a timeout, a malformed response, an exception).
   *
   * @param error what happened
   */
  record Failed(String error) implements Outcome {
    /**
     * Rejects a null error with {@link NullPointerException}.
     *
     * @param error not null
     */
    public Failed {
      checkNotNull(error, "error");
    }

    @Override
    public String kind() {
      return "failed";
    }
  }

  /**
   * A short name for counts and reports.
   *
   * @return {@code preferred}, {@code tie}, {@code invalid}, {@code refused} or {@code failed}
   */
  String kind();
}
