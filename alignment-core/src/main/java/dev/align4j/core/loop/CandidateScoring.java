package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Scores candidate pairs with an ensemble: each member's margin {@code r(first) − r(second)}. */
public final class CandidateScoring {
  private CandidateScoring() {}

  /**
   * The candidates of {@code pairs}, scored in one batch per member.
   *
   * @param ensemble the reward models; open
   * @param pairs the pairs, no null
   * @return one candidate per pair, in order, with {@code ensemble.size()} margins each
   */
  public static List<Candidate> score(RewardEnsemble ensemble, List<CandidatePair> pairs) {
    checkNotNull(ensemble, "ensemble");
    checkNotNull(pairs, "pairs");
    List<CompletionSample> samples = new ArrayList<>(2 * pairs.size());
    for (int j = 0; j < pairs.size(); j++) {
      CandidatePair p = checkNotNull(pairs.get(j), "pair at position %s is null", j);
      samples.add(sample(p.prompt(), p.first()));
      samples.add(sample(p.prompt(), p.second()));
    }
    double[][] s = ensemble.memberScores(samples);                          // (K, 2N): first, second, first, …
    List<Candidate> out = new ArrayList<>(pairs.size());
    for (int j = 0; j < pairs.size(); j++) {
      double[] margins = new double[s.length];
      for (int k = 0; k < s.length; k++) {
        margins[k] = s[k][2 * j] - s[k][2 * j + 1];
      }
      out.add(Candidate.of(pairs.get(j), margins));
    }
    return List.copyOf(out);
  }

  /**
   * What a reward model scores for one completion. A chat prompt travels as its messages, which a reward model trained
   * on chat pairs renders with its own template (as {@code AlignRewardModel} does); its plain text, for scorers that
   * read only text, is the turns' contents one per line.
   */
  static CompletionSample sample(Text prompt, String completion) {
    if (prompt instanceof Text.Chat c) {
      String text = c.messages().stream().map(Message::content).collect(Collectors.joining("\n"));
      return new CompletionSample(text, completion, Map.of(), c.messages());
    }
    return CompletionSample.of(((Text.Plain) prompt).text(), completion);
  }
}
