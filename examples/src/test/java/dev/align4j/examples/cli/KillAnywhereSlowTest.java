package dev.align4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.chatmodel.ChatCheckpoints;
import dev.align4j.core.run.RunInspection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill-anywhere campaign: every stage command (SFT, reward model, DPO, PPO, GRPO, CAI revise and label, the loop)
 * runs once uninterrupted in its own JVM; then, for each kill point, again in a fresh folder, SIGKILLed at a seeded
 * random moment of its work and rerun to the end. After the kill {@code verify-run} must find nothing damaged; after
 * the rerun every output must equal the uninterrupted run's byte for byte (one thread), metrics lines without their
 * wall times. The table of kill points goes to {@code target/kill-campaign.md} ({@code docs/reliability.md} holds a
 * run of it). Seed: {@code -Dkill.seed=S}.
 */
@Tag("slow")
class KillAnywhereSlowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KILLS_PER_STAGE = 4;

  @TempDir
  static Path fx;

  /** One command of the campaign and the files it must reproduce. */
  private record Stage(String name, List<String> args, List<String> outputs) {
    String[] argv(Path out) {
      List<String> a = new ArrayList<>(args);
      a.addAll(List.of("--out", out.toString()));
      return a.toArray(String[]::new);
    }
  }

  @BeforeAll
  static void fixtures() throws Exception {
    StageCommandsTest.sftData(fx.resolve("sft.jsonl"), 64);
    StageCommandsTest.preferenceData(fx.resolve("prefs.jsonl"), 64, false);
    Files.write(fx.resolve("prompts.jsonl"), Stream.of("cat", "dog", "bird", "fish", "cat", "dog", "bird", "fish")
        .map(a -> "{\"prompt\": \"where is the " + a + " ?\"}").toList());
    Run rm = Run.run("rm", "--model", StageCommandsTest.tinyLlama().toString(), "--data",
        fx.resolve("prefs.jsonl").toString(), "--max-steps", "4", "--threads", "1", "--out",
        fx.resolve("rm").toString());
    assertEquals(0, rm.status(), rm.stderr());
    ChatCheckpoints.builtin(fx.resolve("chat"), ChatCheckpoints.JUDGE_CORPUS, 640, 7);
    Files.writeString(fx.resolve("constitution.json"), "{\"name\": \"test\", \"principles\": [{\"id\": \"better\","
        + " \"critique\": \"What is wrong with the answer?\", \"revision\": \"Write a better answer.\", \"comparison\":"
        + " \"Which is better?\"}], \"few_shot\": []}");
    Files.write(fx.resolve("cai-prompts.jsonl"), Stream.of("the answer is", "a human option", "better than",
        "the option is", "an answer", "human is better").map(p -> "{\"prompt\": \"" + p + "\"}").toList());
    // 48 pairs, 96 judge calls: enough work that kills land inside it and not after it
    Files.write(fx.resolve("pairs.jsonl"), java.util.stream.IntStream.range(0, 48).mapToObj(i -> "{\"prompt\": \""
        + List.of("the answer", "a human", "better than", "an option").get(i % 4) + " " + i + "\", \"completions\":"
        + " [\"the answer is\", \"a human option\"]}").toList());
    LoopResumeTest.fixtures(Files.createDirectories(fx.resolve("loop")));
  }

  private static List<Stage> stages() {
    String tiny = StageCommandsTest.tinyLlama().toString();
    List<String> offline = List.of("--model", tiny, "--max-steps", "60", "--save-steps", "3", "--batch-size", "4",
        "--logging-steps", "2", "--threads", "1", "--seed", "5");
    List<String> online = List.of("--model", tiny, "--prompts", fx.resolve("prompts.jsonl").toString(),
        "--max-steps", "12", "--save-steps", "1", "--batch-size", "4", "--max-new-tokens", "6", "--logging-steps", "1",
        "--threads", "1", "--seed", "5");
    List<String> trained = List.of("final/model.safetensors", "metrics.jsonl");
    List<Stage> s = new ArrayList<>();
    s.add(new Stage("sft", concat(List.of("sft", "--data", fx.resolve("sft.jsonl").toString()), offline), trained));
    s.add(new Stage("rm", concat(List.of("rm", "--data", fx.resolve("prefs.jsonl").toString()), offline), trained));
    s.add(new Stage("dpo", concat(List.of("dpo", "--data", fx.resolve("prefs.jsonl").toString()), offline), trained));
    s.add(new Stage("ppo", concat(List.of("ppo", "--reward-model", fx.resolve("rm/final").toString()), online),
        trained));
    s.add(new Stage("grpo", concat(List.of("grpo", "--reward", "contains:cat", "--num-generations", "2"), online),
        trained));
    s.add(new Stage("cai revise", List.of("cai", "revise", "--constitution", fx.resolve("constitution.json").toString(),
        "--prompts", fx.resolve("cai-prompts.jsonl").toString(), "--model", fx.resolve("chat").toString(), "--rounds",
        "2", "--max-new-tokens", "8", "--seed", "4"), List.of("revisions.jsonl", "sft.jsonl", "chat-cache.jsonl")));
    s.add(new Stage("cai label", List.of("cai", "label", "--constitution", fx.resolve("constitution.json").toString(),
        "--pairs", fx.resolve("pairs.jsonl").toString(), "--judge-model", fx.resolve("chat").toString()),
        List.of("labels.jsonl", "preferences.jsonl", "labeller.json")));
    List<String> loop = new ArrayList<>(LoopResumeTest.loopArgs(fx.resolve("loop"), Path.of("OUT")));
    loop.subList(loop.size() - 2, loop.size()).clear();   // the campaign adds its own --out
    List<String> loopOutputs = new ArrayList<>(List.of("loop_metrics.jsonl"));
    for (int k = 1; k <= 2; k++) {
      for (String f : LoopResumeTest.OUTPUTS) {
        loopOutputs.add("iter-" + k + "/" + f);
      }
    }
    s.add(new Stage("loop", loop, loopOutputs));
    return s;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static Process start(Stage stage, Path out, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "dev.align4j.examples.cli.Align"));
    cmd.addAll(Arrays.asList(stage.argv(out)));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void finish(Process p, Path log) throws Exception {
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finishes: " + log);
    assertEquals(0, p.exitValue(), Files.readString(log));
  }

  /**
   * A file's content to compare: metrics lines without wall times (time_s, perf/*) and with sorted keys, anything
   * else as bytes.
   */
  private static String comparable(Path file) throws Exception {
    if (!file.getFileName().toString().endsWith("metrics.jsonl")) {
      return java.util.HexFormat.of().formatHex(Files.readAllBytes(file));
    }
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      ObjectNode o = (ObjectNode) JSON.readTree(line);
      o.remove("time_s");
      o.remove("iteration_seconds");
      List<String> timing = new ArrayList<>();
      o.fieldNames().forEachRemaining(k -> {
        if (k.startsWith("perf/") || k.endsWith("_seconds") || k.startsWith("time/")) {
          timing.add(k);
        }
      });
      o.remove(timing);
      // key order is not part of the record (the metrics of a step are gathered from several places)
      b.append(JSON.convertValue(o, new TypeReference<TreeMap<String, Object>>() { })).append('\n');
    }
    return b.toString();
  }

  private static boolean isEmpty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** The newest checkpoint or finished step a kill left, for the table. */
  private static String leftAt(Path out) throws Exception {
    if (!Files.isDirectory(out)) {
      return "nothing yet";
    }
    List<String> marks = new ArrayList<>();
    try (Stream<Path> s = Files.walk(out, 4)) {
      s.filter(p -> p.getFileName().toString().matches("step-\\d+|iter-\\d+|final"))
          .map(p -> out.relativize(p).toString()).sorted().forEach(marks::add);
    }
    for (String f : List.of("chat-cache.jsonl", "policy-cache.jsonl")) {
      if (Files.exists(out.resolve(f))) {
        marks.add(f + " " + Files.readAllLines(out.resolve(f)).size() + " replies");
      }
    }
    return marks.isEmpty() ? "config only" : marks.get(marks.size() - 1)
        + (marks.size() > 1 ? " (+" + (marks.size() - 1) + ")" : "");
  }

  @Test
  void everyStageKilledAnywhereResumesToTheUninterruptedOutputs() throws Exception {
    long seed = Long.getLong("kill.seed", 14);
    Random r = new Random(seed);
    StringBuilder table = new StringBuilder("| stage | kill | at ms (work from ms, of ms) | left on disk |"
        + " verify-run | outputs equal |\n|---|---|---|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    int killPoints = 0;
    for (Stage stage : stages()) {
      Path dir = Files.createDirectories(fx.resolve("campaign").resolve(stage.name().replace(' ', '-')));
      Path whole = dir.resolve("whole");
      long t0 = System.nanoTime();
      Process reference = start(stage, whole, dir.resolve("whole.log"));
      // when the command has started its work (its first file in OUT): kills are drawn after it, so that the JVM's
      // start and the model's load do not take most of the kill points
      long ready = -1;
      while (reference.isAlive()) {
        if (ready < 0 && Files.isDirectory(whole) && !isEmpty(whole)) {
          ready = (System.nanoTime() - t0) / 1_000_000;
        }
        reference.waitFor(10, TimeUnit.MILLISECONDS);
      }
      finish(reference, dir.resolve("whole.log"));
      long wall = (System.nanoTime() - t0) / 1_000_000;
      long workStart = ready < 0 ? 0 : ready;

      for (int k = 1; k <= KILLS_PER_STAGE; k++) {
        // each kill point in a fresh folder: killed once at a seeded moment, then rerun to the end and compared
        Path cut = dir.resolve("cut-" + k);
        Process p = start(stage, cut, dir.resolve("cut-" + k + ".log"));
        long at = workStart + (long) ((wall - workStart) * (0.05 + 0.9 * r.nextDouble()));
        boolean killed = !p.waitFor(at, TimeUnit.MILLISECONDS);
        if (killed) {
          p.destroyForcibly().waitFor();
          killPoints++;
        }
        String left = leftAt(cut);
        long damaged = Files.isDirectory(cut) ? RunInspection.inspect(cut).stream()
            .filter(f -> f.level() == RunInspection.Level.DAMAGED).peek(f -> failures.add(stage.name() + " kill "
                + at + " ms: " + f)).count() : 0;
        Path rerunLog = dir.resolve("cut-" + k + "-rerun.log");
        Process rerun = start(stage, cut, rerunLog);
        assertTrue(rerun.waitFor(10, TimeUnit.MINUTES), "finishes: " + rerunLog);
        if (rerun.exitValue() != 0) {
          List<String> lines = Files.readAllLines(rerunLog);
          String why = "rerun exit " + rerun.exitValue() + ": " + lines.get(lines.size() - 1);
          failures.add(stage.name() + " kill at " + at + " ms: " + why);
          table.append("| ").append(stage.name()).append(" | ").append(k).append(" | ").append(at).append(" (")
              .append(workStart).append(", ").append(wall).append(") | ").append(left).append(" | ").append(damaged)
              .append(" damaged | ")
              .append(why.replace('|', '/')).append(" |\n");
          continue;
        }
        List<String> differing = new ArrayList<>();
        for (String f : stage.outputs()) {
          Path a = whole.resolve(f);
          Path b = cut.resolve(f);
          if (!Files.exists(a) || !Files.exists(b) || !comparable(a).equals(comparable(b))) {
            differing.add(f);
          }
        }
        if (!differing.isEmpty()) {
          failures.add(stage.name() + " kill at " + at + " ms: " + differing);
        }
        table.append("| ").append(stage.name()).append(" | ").append(k).append(" | ")
            .append(killed ? at + " (" + workStart + ", " + wall + ")" : "finished before " + at).append(" | ")
            .append(left).append(" | ")
            .append(damaged == 0 ? "0 damaged" : damaged + " DAMAGED").append(" | ")
            .append(differing.isEmpty() ? "all " + stage.outputs().size() + " equal" : "DIFFER: " + differing)
            .append(" |\n");
      }
    }
    table.append("\n").append(killPoints).append(" kill points (seed ").append(seed).append(")\n");
    Path report = Path.of("target", "kill-campaign.md");
    Files.writeString(report, table.toString());
    System.err.println(table);
    assertTrue(failures.isEmpty(), failures + "\n" + table);
    assertTrue(killPoints >= 30, "at least 30 kill points: " + killPoints + "\n" + table);
  }
}
