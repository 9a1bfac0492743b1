package dev.align4j.core.loop;

import dev.align4j.api.data.Prompt;
import dev.align4j.api.judge.CandidatePair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** An iteration's candidate pairs: pairs of each prompt's samples, minus those that could teach nothing. */
final class CandidatePairs {
  private CandidatePairs() {}

  /**
   * Pairs of each prompt's samples as {@code pairing} says. Identical completions are skipped (no label can prefer
   * one), and so is a pair of texts already paired for that prompt (two equal samples would repeat it). Ids are
   * {@code K-P-I-J}: iteration, prompt index, sample indices; stable across reruns.
   */
  static List<CandidatePair> of(int iteration, List<Prompt> prompts, List<List<String>> samples, Pairing pairing) {
    List<CandidatePair> out = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p++) {
      List<String> s = samples.get(p);
      Set<List<String>> seen = new HashSet<>();
      for (int i = 0; i < s.size(); i++) {
        for (int j = i + 1; j < s.size(); j++) {
          if (pairing == Pairing.ADJACENT && j != i + 1) {
            break;
          }
          String a = s.get(i);
          String b = s.get(j);
          if (a.equals(b) || !seen.add(a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a))) {
            continue;
          }
          out.add(new CandidatePair(iteration + "-" + p + "-" + i + "-" + j, prompts.get(p).prompt(), a, b));
        }
      }
    }
    return out;
  }
}
