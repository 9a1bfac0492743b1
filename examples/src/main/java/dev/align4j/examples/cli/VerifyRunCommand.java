package dev.align4j.examples.cli;

import dev.align4j.core.run.RunInspection;
import dev.align4j.core.run.RunInspection.Finding;
import dev.align4j.core.run.RunInspection.Level;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code align verify-run OUT}: reports a run folder's state: each checkpoint against its SHA-256 manifest and the one
 * a rerun resumes from, each model file's structure, each JSON and JSONL file, and the temporaries killed writes
 * left. Exit status 0 when nothing is damaged, 1 when something is.
 */
@Command(name = "verify-run", mixinStandardHelpOptions = true,
    description = {"Report the state of a run folder (a stage's --out, the demo's, the loop's): checkpoints against",
        "their SHA-256 manifests and the one a rerun resumes from, model files, JSON and JSONL files, temporaries",
        "left by killed writes. One line per finding: OK, NOTE or DAMAGED, the path, what was found.",
        "Exit status 0 when nothing is damaged, 1 when something is, 2 when OUT is not a folder."})
final class VerifyRunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "OUT", description = "The run folder.")
  Path out;

  @Option(names = "--quiet", description = "Print only NOTE and DAMAGED lines and the summary (default: "
      + "${DEFAULT-VALUE}).")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    List<Finding> findings = RunInspection.inspect(out);
    PrintStream o = System.out;
    long damaged = 0;
    long notes = 0;
    for (Finding f : findings) {
      damaged += f.level() == Level.DAMAGED ? 1 : 0;
      notes += f.level() == Level.NOTE ? 1 : 0;
      if (!quiet || f.level() != Level.OK) {
        o.printf("%-8s %s: %s%n", f.level(), f.path(), f.text());
      }
    }
    o.printf("verify-run %s: %d checked, %d damaged, %d notes%n", out, findings.size(), damaged, notes);
    o.flush();
    return damaged == 0 ? 0 : Align.CHECK_FAILED;
  }
}
