package dev.align4j.core.data;

/**
 * What reading a data file found.
 *
 * @param lines data lines read
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
}
