package dev.align4j.examples.cli;

import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.core.conformance.CaseOutcome;
import dev.align4j.core.conformance.ConformanceRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code align conformance FILE...}: checks every case of the given vector files against every implementation of its
 * op. Stdout holds one {@code FAIL ...} line per failing case and the final {@code conformance: N passed, M failed}.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
    description = {"Check conformance vectors (JSONL) against every implementation of each op.",
        "Prints one FAIL line per failing case, then 'conformance: N passed, M failed'.",
        "Exit status 0 only when nothing failed and at least one case ran."})
final class ConformanceCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ConformanceCommand.class);

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Conformance files, one JSON case per line.")
  List<Path> files;

  @Option(names = "--verbose", description = "Also log every passing case, with the implementations it ran on, "
      + "to stderr (default: ${DEFAULT-VALUE}).")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        System.err.println("align conformance: no such file: " + f);
        return Align.BAD_INPUT;
      }
    }
    ConformanceRunner runner = ConformanceRunner.of(KernelProviders.usable());
    LOG.info("checking {} file(s) against {}", files.size(), runner.implementationNames());
    PrintStream out = System.out;
    int passed = 0;
    int failed = 0;
    for (Path f : files) {
      for (CaseOutcome o : runner.runFile(f, f.toString())) {
        if (o.passed()) {
          passed++;
          if (verbose) {
            LOG.info("pass {}:{} {} ({})", o.file(), o.line(), o.id(), o.detail());
          }
        } else {
          failed++;
          out.println(o.failLine());
          if (!o.detail().isEmpty()) {
            LOG.warn("{}:{} {}: {}", o.file(), o.line(), o.id(), o.detail());
          }
        }
      }
    }
    out.println("conformance: " + passed + " passed, " + failed + " failed");
    out.flush();
    return failed == 0 && passed > 0 ? 0 : Align.CHECK_FAILED;
  }
}
