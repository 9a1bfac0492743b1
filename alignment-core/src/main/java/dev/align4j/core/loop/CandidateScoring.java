package dev.align4j.core.loop;

import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** TEMP stand-in for the acquisition branch. */
public final class CandidateScoring {
  private CandidateScoring() {}

  /** Scores each pair with each member. */
  public static List<Candidate> score(RewardEnsemble ensemble, List<CandidatePair> pairs) {
    List<CompletionSample> samples = new ArrayList<>();
    for (CandidatePair p : pairs) {
      samples.add(sample(p.prompt(), p.first()));
      samples.add(sample(p.prompt(), p.second()));
    }
    double[][] s = samples.isEmpty() ? new double[ensemble.members().size()][0] : ensemble.memberScores(samples);
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      double[] m = new double[s.length];
      for (int k = 0; k < s.length; k++) {
        m[k] = s[k][2 * i] - s[k][2 * i + 1];
      }
      CandidatePair p = pairs.get(i);
      out.add(new Candidate(p.id(), p.prompt(), p.first(), p.second(), m));
    }
    return out;
  }

  private static CompletionSample sample(Text prompt, String completion) {
    String text = prompt instanceof Text.Plain pl ? pl.text() : "";
    List<Message> chat = prompt instanceof Text.Chat c ? c.messages() : List.of();
    return new CompletionSample(text, completion, Map.of(), chat);
  }
}
