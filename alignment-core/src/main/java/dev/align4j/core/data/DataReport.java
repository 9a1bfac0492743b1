package dev.align4j.core.data;

import dev.align4j.api.data.PreferencePair;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What reading a data file (or a list handed to a trainer) found.
 *
 * @param lines data lines read (or examples given)
 * @param duplicates lines identical to an earlier one (kept unless dropping was asked)
 * @param ties preference pairs whose chosen and rejected are identical (kept unless dropping was asked)
 * @param dropped lines removed because the user asked for it
 */
public record DataReport(int lines, int duplicates, int ties, int dropped) {
  /** One line for logs. */
  public String summary() {
    return String.format("%d lines, %d duplicates, %d identical chosen/rejected pairs, %d dropped", lines, duplicates,
        ties, dropped);
  }

  /** The report of examples handed over in memory: their count, duplicates and (for pairs) ties; nothing dropped. */
  public static DataReport of(List<?> examples) {
    Set<Object> seen = new HashSet<>();
    int duplicates = 0;
    int ties = 0;
    for (Object e : examples) {
      duplicates += seen.add(e) ? 0 : 1;
      ties += e instanceof PreferencePair p && p.isTie() ? 1 : 0;
    }
    return new DataReport(examples.size(), duplicates, ties, 0);
  }
}
