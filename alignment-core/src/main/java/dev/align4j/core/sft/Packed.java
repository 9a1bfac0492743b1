package dev.align4j.core.sft;

import dev.align4j.api.data.TokenizedSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequences packed first-fit, in order, into rows of at most {@code maxLength} tokens.
 *
 * @param rows token ids per row
 * @param targets loss targets per row
 * @param segments which sequence of its row each token belongs to
 */
record Packed(int[][] rows, boolean[][] targets, int[][] segments) {

  static Packed of(List<TokenizedSequence> seqs, int maxLength) {
    List<List<TokenizedSequence>> bins = new ArrayList<>();
    List<Integer> used = new ArrayList<>();
    for (TokenizedSequence s : seqs) {
      int len = s.ids().length;
      int bin = -1;
      for (int i = 0; i < bins.size(); i++) {
        if (used.get(i) + len <= maxLength) {
          bin = i;
          break;
        }
      }
      if (bin < 0) {
        bins.add(new ArrayList<>());
        used.add(0);
        bin = bins.size() - 1;
      }
      bins.get(bin).add(s);
      used.set(bin, used.get(bin) + len);
    }
    int[][] rows = new int[bins.size()][];
    boolean[][] targets = new boolean[bins.size()][];
    int[][] segments = new int[bins.size()][];
    for (int b = 0; b < bins.size(); b++) {
      int n = used.get(b);
      rows[b] = new int[n];
      targets[b] = new boolean[n];
      segments[b] = new int[n];
      int at = 0;
      int seg = 0;
      for (TokenizedSequence s : bins.get(b)) {
        System.arraycopy(s.ids(), 0, rows[b], at, s.ids().length);
        System.arraycopy(s.target(), 0, targets[b], at, s.ids().length);
        java.util.Arrays.fill(segments[b], at, at + s.ids().length, seg++);
        at += s.ids().length;
      }
    }
    return new Packed(rows, targets, segments);
  }
}
