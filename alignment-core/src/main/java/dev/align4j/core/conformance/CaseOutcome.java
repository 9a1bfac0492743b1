package dev.align4j.core.conformance;

import java.util.Optional;

/**
 * The result of one case: a pass, or the first failure with the line {@code align conformance} prints.
 *
 * @param file the file as named
 * @param line 1-based line
 * @param id the case id ({@code ?} when the line is not readable JSON)
 * @param failure the failure line without the {@code FAIL} prefix, empty on success
 * @param detail a longer explanation for logs (which implementation, how many elements differ)
 */
public record CaseOutcome(String file, int line, String id, Optional<String> failure, String detail) {

  static CaseOutcome pass(ConformanceCase c, String detail) {
    return new CaseOutcome(c.file(), c.line(), c.id(), Optional.empty(), detail);
  }

  static CaseOutcome fail(String file, int line, String id, String what, String detail) {
    return new CaseOutcome(file, line, id, Optional.of(what), detail);
  }

  /** Whether the case passed in every implementation. */
  public boolean passed() {
    return failure.isEmpty();
  }

  /** The report line: {@code FAIL <file>:<line> <id> <field>[<index>] expected <e> got <a>} or an error line. */
  public String failLine() {
    return "FAIL " + file + ":" + line + " " + id + " " + failure.orElseThrow();
  }
}
