package dev.align4j.examples.cli;

import dev.align4j.examples.demo.DemoFiles;
import dev.align4j.examples.demo.DemoPipeline;
import dev.align4j.examples.demo.DemoResult;
import dev.align4j.examples.demo.DemoSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code align demo}: the whole pipeline on the built-in task. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on the built-in task world: annotators -> SFT -> labellers -> reward model"
        + " -> PPO, GRPO and DPO -> evaluations -> an unleashed (beta = 0) run traced over sqrt(KL).",
        "Writes OUT/summary.json, OUT/report.html with PNG charts, OUT/metrics.jsonl, OUT/samples.jsonl and each"
            + " stage's run folder."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/demo-<timestamp>).")
  Path out;

  @Option(names = "--seed", defaultValue = "1", description = "Seed; the same seed reproduces the run "
      + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quick", description = "Smaller everything, same stages and outputs, under two minutes "
      + "(default: ${DEFAULT-VALUE}).")
  boolean quick;

  @Override
  public Integer call() throws Exception {
    Path dir = out != null ? out : Path.of("runs", "demo-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (Files.isDirectory(dir)) {
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          System.err.println("align demo: --out " + dir + " is not empty; choose a new folder");
          return Align.BAD_INPUT;
        }
      }
    }
    Files.createDirectories(dir);
    DemoSettings settings = quick ? DemoSettings.quick(seed) : DemoSettings.full(seed);
    DemoResult r = new DemoPipeline(settings, dir).run();
    DemoFiles.write(r, dir);
    System.out.print(r.table());
    System.out.println("report: " + dir.resolve("report.html").toAbsolutePath());
    return 0;
  }
}
