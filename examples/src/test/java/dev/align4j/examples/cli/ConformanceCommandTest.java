package dev.align4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's stdout contract: FAIL lines, then the summary; exit status 0 only when all of at least one pass. */
class ConformanceCommandTest {

  private record Run(int status, String stdout) {}

  private static Run run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      int status = Align.execute(args);
      return new Run(status, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void passingCasesPrintOnlyTheSummary() throws Exception {
    Path f = Path.of(getClass().getResource("/three-cases.jsonl").toURI());
    Run r = run("conformance", f.toString());
    assertEquals("conformance: 3 passed, 0 failed\n", r.stdout());
    assertEquals(0, r.status());
  }

  @Test
  void aFailingCasePrintsOneLineAndExitsWithOne(@TempDir Path dir) throws Exception {
    Path good = Path.of(getClass().getResource("/three-cases.jsonl").toURI());
    Path f = dir.resolve("mixed.jsonl");
    Files.writeString(f, Files.readAllLines(good).get(0) + "\n{not json\n");
    Run r = run("conformance", f.toString());
    String[] lines = r.stdout().split("\n");
    assertEquals(2, lines.length, r.stdout());
    assertTrue(lines[0].startsWith("FAIL " + f + ":2 ? json error:"), lines[0]);
    assertEquals("conformance: 1 passed, 1 failed", lines[1]);
    assertEquals(Align.CHECK_FAILED, r.status());
  }

  @Test
  void noCasesIsNotASuccess(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("empty.jsonl");
    Files.writeString(f, "\n");
    Run r = run("conformance", f.toString());
    assertEquals("conformance: 0 passed, 0 failed\n", r.stdout());
    assertEquals(Align.CHECK_FAILED, r.status());
  }

  @Test
  void aMissingFileIsBadInput(@TempDir Path dir) {
    Run r = run("conformance", dir.resolve("nope.jsonl").toString());
    assertEquals(Align.BAD_INPUT, r.status());
    assertEquals("", r.stdout());
  }

  /**
   * align4j's own op {@code bt_soft_loss} (soft-label Bradley–Terry with gradients) is known to the command: its
   * vectors pass, and a case whose expected gradient is changed fails naming the gradient field.
   */
  @Test
  void theSoftLabelBradleyTerryVectorsRunThroughTheCommand(@TempDir Path dir) throws Exception {
    Path vectors = Path.of("../alignment-core/src/test/resources/conformance-extra/bt_soft_loss.jsonl")
        .toAbsolutePath().normalize();
    java.util.List<String> lines = Files.readAllLines(vectors);
    Run r = run("conformance", vectors.toString());
    assertEquals("conformance: " + lines.size() + " passed, 0 failed\n", r.stdout());
    assertEquals(0, r.status());

    Path f = dir.resolve("wrong-gradient.jsonl");
    String first = lines.get(0);
    String changed = first.replaceFirst("\"grad_chosen_rewards\": \\[[-0-9.e]+", "\"grad_chosen_rewards\": [0.5");
    assertTrue(!changed.equals(first), "the gradient was edited");
    Files.writeString(f, changed + "\n");
    Run bad = run("conformance", f.toString());
    assertTrue(bad.stdout().startsWith("FAIL " + f + ":1 align4j-bt_soft_loss-000-random_n16_cNone "
        + "grad_chosen_rewards[0] expected 0.5 got "), bad.stdout());
    assertEquals(Align.CHECK_FAILED, bad.status());
  }
}
