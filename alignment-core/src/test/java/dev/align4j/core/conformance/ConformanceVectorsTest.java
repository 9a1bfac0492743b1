package dev.align4j.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.kernel.KernelProviders;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the public vectors (copied from {@code shared/conformance}, TRL parity, computed in float64 by an
 * independent numpy implementation) and of align4j's own vectors ({@code conformance-extra/generate.py}) passes in
 * every implementation: the NDArray objectives and each usable kernel provider.
 */
class ConformanceVectorsTest {
  private static final ConformanceRunner RUNNER = ConformanceRunner.of(KernelProviders.usable());

  @TestFactory
  Stream<DynamicTest> publicVectors() throws Exception {
    return casesIn("conformance", 155);
  }

  @TestFactory
  Stream<DynamicTest> align4jVectors() throws Exception {
    return casesIn("conformance-extra", 25);
  }

  private static Stream<DynamicTest> casesIn(String folder, int expectedCount)
      throws IOException, URISyntaxException {
    Path dir = Path.of(ConformanceVectorsTest.class.getResource("/" + folder).toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no vector files in " + dir);
    List<CaseOutcome> outcomes = new java.util.ArrayList<>();
    for (Path f : files) {
      outcomes.addAll(RUNNER.runFile(f, f.getFileName().toString()));
    }
    assertEquals(expectedCount, outcomes.size(), "number of cases in " + folder);
    return outcomes.stream().map(o -> DynamicTest.dynamicTest(o.file() + ":" + o.line() + " " + o.id(),
        () -> assertTrue(o.passed(), () -> o.failLine() + " (" + o.detail() + ")")));
  }
}
