package dev.align4j.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.core.kernel.CpuKernelPath;
import dev.align4j.core.kernel.CpuKernelProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the public vectors (copied from {@code shared/conformance}, TRL parity, computed in float64 by an
 * independent numpy implementation), of align4j's own vectors ({@code conformance-extra/generate.py}, and
 * {@code conformance-extra/generate_bt_soft_loss.py} for the soft-label Bradley–Terry loss with its gradients, in
 * torch) and of the wide-row kernel vectors ({@code conformance-kernels/generate.py}) passes in every implementation:
 * the NDArray objectives and each usable kernel provider. The kernel ops also run once more on each path of the CPU
 * provider by name, so that the scalar path is checked even where the default provider takes the Vector API path.
 */
class ConformanceVectorsTest {
  private static final ConformanceRunner RUNNER = ConformanceRunner.of(KernelProviders.usable());
  private static final Pattern OP = Pattern.compile("\"op\"\\s*:\\s*\"([a-z_0-9]+)\"");

  private static final int PUBLIC_CASES = 155;
  private static final int ALIGN4J_CASES = 38;
  private static final int KERNEL_CASES = 39;
  /** The public and align4j cases whose op is a kernel op (the rest are NDArray objectives). */
  private static final int PUBLIC_KERNEL_CASES = 83;
  private static final int ALIGN4J_KERNEL_CASES = 8;

  @TestFactory
  Stream<DynamicTest> publicVectors() throws Exception {
    return casesIn(RUNNER, "", "conformance", PUBLIC_CASES);
  }

  @TestFactory
  Stream<DynamicTest> align4jVectors() throws Exception {
    return casesIn(RUNNER, "", "conformance-extra", ALIGN4J_CASES);
  }

  @TestFactory
  Stream<DynamicTest> wideRowKernelVectors() throws Exception {
    return casesIn(RUNNER, "", "conformance-kernels", KERNEL_CASES);
  }

  @TestFactory
  Stream<DynamicTest> kernelOpsOnTheScalarPath() throws Exception {
    return onePath(new CpuKernelProvider().with(CpuKernelPath.SCALAR), "scalar path ");
  }

  @TestFactory
  Stream<DynamicTest> kernelOpsOnTheVectorApiPath() throws Exception {
    assumeTrue(CpuKernelPath.VECTOR_API.isAvailable(),
        () -> "the Vector API path is not available: " + CpuKernelPath.vectorApiUnavailableReason().orElse("?"));
    return onePath(new CpuKernelProvider().with(CpuKernelPath.VECTOR_API), "vector path ");
  }

  private static Stream<DynamicTest> onePath(KernelProvider provider, String label) throws Exception {
    ConformanceRunner runner = ConformanceRunner.kernelsOnly(List.of(provider));
    return Stream.of(casesIn(runner, label, "conformance", PUBLIC_KERNEL_CASES),
        casesIn(runner, label, "conformance-extra", ALIGN4J_KERNEL_CASES),
        casesIn(runner, label, "conformance-kernels", KERNEL_CASES)).flatMap(s -> s);
  }

  /** The cases of {@code folder} whose op {@code runner} covers (each file holds one op). */
  private static Stream<DynamicTest> casesIn(ConformanceRunner runner, String label, String folder,
      int expectedCount) throws IOException, URISyntaxException {
    Path dir = Path.of(ConformanceVectorsTest.class.getResource("/" + folder).toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".jsonl")).filter(p -> runner.ops().contains(opOf(p)))
          .sorted().toList();
    }
    assertFalse(files.isEmpty(), "no vector files for " + runner.implementationNames() + " in " + dir);
    List<CaseOutcome> outcomes = new ArrayList<>();
    for (Path f : files) {
      outcomes.addAll(runner.runFile(f, f.getFileName().toString()));
    }
    assertEquals(expectedCount, outcomes.size(), "number of cases in " + folder + " for " + label);
    return outcomes.stream().map(o -> DynamicTest.dynamicTest(label + o.file() + ":" + o.line() + " " + o.id(),
        () -> assertTrue(o.passed(), () -> o.failLine() + " (" + o.detail() + ")")));
  }

  private static String opOf(Path file) {
    try {
      String first = Files.lines(file, StandardCharsets.UTF_8).filter(l -> !l.isBlank()).findFirst().orElse("");
      Matcher m = OP.matcher(first);
      return m.find() ? m.group(1) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
