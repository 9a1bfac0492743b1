package dev.align4j.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.kernel.CpuKernelProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad case lines are failures with file, line and field named, never crashes or skips. */
class ConformanceRunnerTest {
  private final ConformanceRunner runner = ConformanceRunner.kernelsOnly(List.of(new CpuKernelProvider()));

  private static final String GOOD = "{\"id\":\"w1\",\"op\":\"whiten\",\"params\":{\"shift_mean\":true},"
      + "\"inputs\":{\"values\":[[1,2],[3,4]],\"mask\":[[1,1],[1,1]]},"
      + "\"expected\":{\"whitened\":[[-1.161895003862225,-0.3872983346207417],[0.3872983346207417,1.161895003862225]]}}";

  @Test
  void aGoodCasePasses() {
    // expected: (v − 2.5)/sqrt(5/3 + 1e-8), the unbiased variance of 1..4 being 5/3
    assertTrue(runner.runLine("f.jsonl", 1, GOOD).passed());
  }

  @Test
  void malformedJsonIsAFailureNamingFileAndLine() {
    CaseOutcome o = runner.runLine("f.jsonl", 7, "{\"id\": oops");
    assertFalse(o.passed());
    assertTrue(o.failLine().startsWith("FAIL f.jsonl:7 ? json error: malformed JSON"), o.failLine());
  }

  @Test
  void unknownOpIsAFailure() {
    CaseOutcome o = runner.runLine("f.jsonl", 2, GOOD.replace("\"whiten\"", "\"teleport\""));
    assertTrue(o.failLine().startsWith("FAIL f.jsonl:2 w1 op error: unknown op 'teleport'"), o.failLine());
  }

  @Test
  void missingInputNamesTheField() {
    CaseOutcome o = runner.runLine("f.jsonl", 3, GOOD.replace("\"mask\":[[1,1],[1,1]]", "\"maks\":[[1,1],[1,1]]"));
    assertEquals("FAIL f.jsonl:3 w1 inputs.mask error: missing required input", o.failLine());
  }

  @Test
  void missingParameterNamesTheField() {
    CaseOutcome o = runner.runLine("f.jsonl", 4, GOOD.replace("\"shift_mean\":true", "\"shift\":true"));
    assertEquals("FAIL f.jsonl:4 w1 params.shift_mean error: missing required parameter", o.failLine());
  }

  @Test
  void aWrongValueGivesFieldIndexExpectedAndActual() {
    CaseOutcome o = runner.runLine("f.jsonl", 5, GOOD.replace("1.161895003862225]]", "1.2]]"));
    assertEquals("FAIL f.jsonl:5 w1 whitened[3] expected 1.2 got 1.1618950366973877", o.failLine());
  }

  @Test
  void raggedArraysAreFormatErrors() {
    CaseOutcome o = runner.runLine("f.jsonl", 6, GOOD.replace("[[1,2],[3,4]]", "[[1,2],[3]]"));
    assertTrue(o.failLine().startsWith("FAIL f.jsonl:6 w1 inputs.values error: ragged"), o.failLine());
  }
}
