package dev.align4j.core.loop;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diversity of sampled completions, over token ids (so the measures mean the same for any tokenizer): a policy
 * collapsing onto one answer per prompt shows high self-similarity and low distinct-n.
 */
public final class Diversity {
  private Diversity() {}

  /**
   * Distinct-n (Li et al. 2016): distinct n-grams over all n-grams of all sequences, pooled.
   *
   * @return in [0, 1]; 0 when no sequence has n tokens
   */
  public static double distinctN(List<int[]> sequences, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("distinct-n needs n >= 1, got " + n);
    }
    Set<List<Integer>> seen = new HashSet<>();
    long total = 0;
    for (int[] s : sequences) {
      for (int i = 0; i + n <= s.length; i++) {
        Integer[] gram = new Integer[n];
        for (int j = 0; j < n; j++) {
          gram[j] = s[i + j];
        }
        seen.add(Arrays.asList(gram));
        total++;
      }
    }
    return total == 0 ? 0 : seen.size() / (double) total;
  }

  /**
   * Self-similarity: for each prompt, the mean over pairs of its samples of {@link #similarity}, then the mean over
   * prompts (those with fewer than two samples are skipped). 1 means every prompt's samples are identical.
   *
   * @param groups the samples of each prompt
   * @return in [0, 1]; 0 when no prompt has two samples
   */
  public static double selfSimilarity(List<List<int[]>> groups) {
    double sum = 0;
    int counted = 0;
    for (List<int[]> g : groups) {
      if (g.size() < 2) {
        continue;
      }
      double s = 0;
      int pairs = 0;
      for (int i = 0; i < g.size(); i++) {
        for (int j = i + 1; j < g.size(); j++) {
          s += similarity(g.get(i), g.get(j));
          pairs++;
        }
      }
      sum += s / pairs;
      counted++;
    }
    return counted == 0 ? 0 : sum / counted;
  }

  /**
   * One minus the normalised edit distance: {@code 1 − levenshtein(a, b) / max(|a|, |b|)}, 1 for two empty sequences.
   */
  public static double similarity(int[] a, int[] b) {
    int longest = Math.max(a.length, b.length);
    if (longest == 0) {
      return 1;
    }
    int[] prev = new int[b.length + 1];
    int[] cur = new int[b.length + 1];
    for (int j = 0; j <= b.length; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length; i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length; j++) {
        int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return 1 - prev[b.length] / (double) longest;
  }
}
