package dev.align4j.core.reward;

import dev.align4j.api.data.PreferencePair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a data set's per-pair annotations are, and which of them a configuration uses, as lines for the log: soft
 * labels and margins the configuration ignores are warned about with their count, and under soft labels the pairs
 * that count as p = 1 are counted, so that no annotation is dropped silently.
 *
 * @param pairs pairs in the data set
 * @param withPChosen pairs carrying a soft label {@code p_chosen}
 * @param meanPChosen mean soft label over those pairs (NaN when there are none)
 * @param withMargin pairs carrying a margin
 */
record LabelUse(int pairs, int withPChosen, double meanPChosen, int withMargin) {

  static LabelUse of(List<PreferencePair> data) {
    int p = 0;
    double sum = 0;
    int m = 0;
    for (PreferencePair pair : data) {
      if (pair.pChosen().isPresent()) {
        p++;
        sum += pair.pChosen().getAsDouble();
      }
      m += pair.margin().isPresent() ? 1 : 0;
    }
    return new LabelUse(data.size(), p, p == 0 ? Double.NaN : sum / p, m);
  }

  /** The informational line of {@link LabelMode#SOFT}: how many pairs carry a label (empty under hard labels). */
  List<String> info(LabelMode labels) {
    if (labels != LabelMode.SOFT || withPChosen == 0) {
      return List.of();
    }
    if (withPChosen == pairs) {
      return List.of(String.format(Locale.ROOT, "soft labels: all %d pairs carry p_chosen (mean %.3f)", pairs,
          meanPChosen));
    }
    return List.of(String.format(Locale.ROOT, "soft labels: %d of %d pairs carry p_chosen (mean %.3f); the other %d"
        + " count as p = 1 (chosen always wins)", withPChosen, pairs, meanPChosen, pairs - withPChosen));
  }

  /** The warnings: annotations the configuration ignores, or soft labels asked for on data that has none. */
  List<String> warnings(LabelMode labels, MarginMode margins) {
    List<String> out = new ArrayList<>();
    if (labels == LabelMode.SOFT && withPChosen == 0) {
      out.add(String.format(Locale.ROOT, "soft labels were asked for but none of the %d pairs carries p_chosen: every"
          + " pair counts as p = 1, which is training on hard labels", pairs));
    }
    if (labels == LabelMode.HARD && withPChosen > 0) {
      out.add(String.format(Locale.ROOT, "%d of %d pairs carry p_chosen (mean %.3f), which hard labels ignore: each "
          + "counts as chosen beating rejected (train with soft labels, LabelMode.SOFT or align rm --soft-labels, to "
          + "use them)", withPChosen, pairs, meanPChosen));
    }
    if (margins == MarginMode.NONE && withMargin > 0) {
      out.add(String.format(Locale.ROOT, "%d of %d pairs carry a margin, which margin mode 'none' ignores (%s)",
          withMargin, pairs, labels == LabelMode.SOFT ? "margins cannot be combined with soft labels"
              : "train with margin 'given' to subtract them"));
    }
    return out;
  }
}
