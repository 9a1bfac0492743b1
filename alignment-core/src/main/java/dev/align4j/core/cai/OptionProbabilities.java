package dev.align4j.core.cai;

import dev.align4j.api.judge.TokenLogprob;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a judge's choice from the log-probabilities of its reply's first token: the probability mass of tokens that
 * are option (A) against those that are option (B), normalised over the two (Bai et al. 2022 use these
 * probabilities as soft labels). A token counts as an option when, stripped of spaces and parentheses, it is exactly
 * {@code A} or {@code B}, so {@code "A"}, {@code " A"}, {@code "(A"} and {@code "(A)"} all count.
 *
 * @param a summed probability of the option-(A) tokens among the alternatives
 * @param b summed probability of the option-(B) tokens
 */
record OptionProbabilities(double a, double b) {
  /** P(A) normalised over the two options. */
  double pFirst() {
    return a / (a + b);
  }

  /**
   * The options' probabilities among the first token's alternatives (the token itself when the reply lists none);
   * empty when neither option is among them.
   */
  static Optional<OptionProbabilities> read(List<TokenLogprob> logprobs) {
    if (logprobs.isEmpty()) {
      return Optional.empty();
    }
    TokenLogprob first = logprobs.get(0);
    List<TokenLogprob.Alternative> alternatives = first.top().isEmpty()
        ? List.of(new TokenLogprob.Alternative(first.token(), first.logprob())) : first.top();
    double a = 0;
    double b = 0;
    for (TokenLogprob.Alternative t : alternatives) {
      String s = option(t.token());
      if (s.equals("A")) {
        a += Math.exp(t.logprob());
      } else if (s.equals("B")) {
        b += Math.exp(t.logprob());
      }
    }
    return a + b > 0 ? Optional.of(new OptionProbabilities(a, b)) : Optional.empty();
  }

  static String option(String token) {
    return token.replace(" ", "").replace("(", "").replace(")", "").strip();
  }

  /** The first token's alternatives as text, for the reason of an invalid answer. */
  static String describe(List<TokenLogprob> logprobs) {
    if (logprobs.isEmpty()) {
      return "no tokens";
    }
    StringBuilder s = new StringBuilder();
    for (TokenLogprob.Alternative t : logprobs.get(0).top()) {
      s.append(s.length() == 0 ? "" : ", ").append('"').append(t.token()).append('"')
          .append(String.format(Locale.ROOT, " %.3g", Math.exp(t.logprob())));
    }
    return s.length() == 0 ? "\"" + logprobs.get(0).token() + "\"" : s.toString();
  }
}
