package dev.align4j.examples.cli;

import dev.align4j.examples.demo.CaiDemo;
import dev.align4j.examples.demo.CaiResult;
import dev.align4j.examples.demo.DemoFiles;
import dev.align4j.examples.demo.DemoPipeline;
import dev.align4j.examples.demo.DemoResult;
import dev.align4j.examples.demo.DemoSettings;
import dev.align4j.examples.demo.LoopDemo;
import dev.align4j.examples.demo.LoopResult;
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

  @Option(names = "--loop", description = "Run only the loop part: a reward model trained once against the alignment "
      + "loop (on-policy labels, reward-model refresh, RL again), with uncertainty and with random acquisition, at "
      + "the same RL iterations, leash and label count (default: ${DEFAULT-VALUE}).")
  boolean loop;

  @Option(names = "--sft", paramLabel = "DIR", description = "With --loop: start from this SFT model, the "
      + "sft/final folder of an earlier align demo run with the same --seed and --quick, instead of training it again.")
  Path sft;

  @Option(names = "--all", description = "Run the main pipeline, then the Constitutional AI part and the loop part "
      + "(which reuses the main part's SFT model); the table, summary.json and report.html show all three (default: "
      + "${DEFAULT-VALUE}).")
  boolean all;

  @Override
  public Integer call() throws Exception {
    if ((cai ? 1 : 0) + (loop ? 1 : 0) + (all ? 1 : 0) > 1) {
      System.err.println("align demo: give one of --cai or --loop (that part alone) or --all (every part)");
      return Align.BAD_INPUT;
    }
    if (sft != null && !loop) {
      System.err.println("align demo: --sft is for --loop (the other parts train their own SFT model)");
      return Align.BAD_INPUT;
    }
    if (sft != null && !Files.isRegularFile(sft.resolve("config.json"))) {
      System.err.println("align demo: --sft " + sft + " has no config.json; give the sft/final folder of an earlier"
          + " align demo run");
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
    if (loop) {
      LoopResult l = new LoopDemo(settings, dir, Optional.ofNullable(sft)).run();
      DemoFiles.writeLoop(l, dir);
      System.out.print(l.table());
      System.out.println("report: " + dir.resolve("report.html").toAbsolutePath());
      return 0;
    }
    DemoResult r = new DemoPipeline(settings, dir).run();
    Optional<CaiResult> c = all ? Optional.of(new CaiDemo(settings, dir.resolve("cai")).run()) : Optional.empty();
    Optional<LoopResult> l = all
        ? Optional.of(new LoopDemo(settings, dir, Optional.of(dir.resolve("sft").resolve("final"))).run())
        : Optional.empty();
    DemoFiles.write(r, c, l, dir);
    System.out.print(r.table());
    c.ifPresent(x -> System.out.print(x.table()));
    l.ifPresent(x -> System.out.print(x.table()));
    System.out.println("report: " + dir.resolve("report.html").toAbsolutePath());
    return 0;
  }
}
