package dev.align4j.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One {@code align} command run in-process as a user runs it, with what it wrote to stdout and stderr (logs
 * included: slf4j-simple writes to the current {@code System.err}).
 *
 * @param status the exit status
 * @param stdout what the command printed as data
 * @param stderr its messages and logs
 */
record Run(int status, String stdout, String stderr) {
  /** Runs {@code align args...} with stdout and stderr captured, restoring both after. */
  static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int status = Align.execute(args);
      return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
