package dev.align4j.examples.cli;

import dev.align4j.examples.demo.CaiDemo;
import dev.align4j.examples.demo.CaiResult;
import dev.align4j.examples.demo.DemoFiles;
import dev.align4j.examples.demo.DemoPipeline;
import dev.align4j.examples.demo.DemoResult;
import dev.align4j.examples.demo.DemoSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
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

  @Option(names = "--cai", description = "Run only the Constitutional AI part: SFT on critique-revised against raw "
      + "demonstrations, a reward model on a constitutional judge's labels against the human-labelled one, GRPO "
      + "against each, and the labeller's diagnostics (default: ${DEFAULT-VALUE}).")
  boolean cai;

  @Option(names = "--all", description = "Run the main pipeline and then the Constitutional AI part; the table, "
      + "summary.json and report.html show both (default: ${DEFAULT-VALUE}).")
  boolean all;

  @Override
  public Integer call() throws Exception {
    if (cai && all) {
      System.err.println("align demo: give --cai (that part alone) or --all (both parts), not both");
      return Align.BAD_INPUT;
    }
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
    if (cai) {
      CaiResult c = new CaiDemo(settings, dir.resolve("cai")).run();
      DemoFiles.writeCai(c, dir);
      System.out.print(c.table());
      System.out.println("report: " + dir.resolve("report.html").toAbsolutePath());
      return 0;
    }
    DemoResult r = new DemoPipeline(settings, dir).run();
    Optional<CaiResult> c = all ? Optional.of(new CaiDemo(settings, dir.resolve("cai")).run()) : Optional.empty();
    DemoFiles.write(r, c, dir);
    System.out.print(r.table());
    c.ifPresent(x -> System.out.print(x.table()));
    System.out.println("report: " + dir.resolve("report.html").toAbsolutePath());
    return 0;
  }
}
