package dev.align4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.task.TaskConfig;
import dev.align4j.core.task.TaskWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loop killed at random points (SIGKILL, in its own JVM) and rerun gives the same iteration outputs, byte for byte,
 * as an uninterrupted run: the selected pairs, the labels, the metrics, the refreshed reward model and the policy.
 */
@Tag("integration")
class LoopResumeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every file that is an iteration output; run folders' own logs (with timings) are left out. */
  static final List<String> OUTPUTS = List.of("prompts.jsonl", "samples.jsonl", "before.json",
      "candidates.jsonl", "selected.jsonl", "labelling.json", "labels_resolved.jsonl", "metrics.json",
      "rm/member-0/model.safetensors", "policy/model.safetensors");

  static void fixtures(Path dir) throws Exception {
    TaskWorld world = new TaskWorld(TaskConfig.defaults());
    try (AlignModel m = AlignModel.builtin(world.alphabet(), 48, 1)) {
      m.save(dir.resolve("model"));
      try (AlignRewardModel r = m.newScalarModel(48)) {
        r.save(dir.resolve("rm"));
      }
    }
    Random r = new Random(3);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      lines.add(JSON.writeValueAsString(Map.of("prompt", world.sample(r, TaskWorld.Split.TRAIN).promptText())));
    }
    Files.write(dir.resolve("prompts.jsonl"), lines);
  }

  /** The loop's command line over {@link #fixtures} in {@code dir}, one thread. */
  static List<String> loopArgs(Path dir, Path out) {
    return List.of("loop", "--model", dir.resolve("model").toString(), "--reward-model",
        dir.resolve("rm").toString(), "--prompts", dir.resolve("prompts.jsonl").toString(), "--labeller", "world",
        "--iterations", "2", "--prompts-per-iteration", "12", "--samples-per-prompt", "3", "--labels-per-iteration",
        "8", "--max-new-tokens", "8", "--max-steps", "4", "--batch-size", "2", "--num-generations", "2",
        "--learning-rate", "1e-3", "--rm-batch-size", "2", "--rm-epochs", "2", "--rm-save-steps", "1", "--save-steps",
        "1", "--threads", "1", "--out", out.toString());
  }

  private static Process start(Path dir, Path out, String log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "dev.align4j.examples.cli.Align"));
    cmd.addAll(loopArgs(dir, out));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
  }

  private static int finish(Process p, Path dir, String log) throws Exception {
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the loop finishes");
    int status = p.exitValue();
    assertEquals(0, status, Files.readString(dir.resolve(log)));
    return status;
  }

  private static List<String> finished(Path out) throws Exception {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(out, 2)) {
      return s.map(p -> out.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aKilledLoopResumesToTheSameOutputsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
    fixtures(dir);
    Path whole = dir.resolve("whole");
    long t0 = System.nanoTime();
    finish(start(dir, whole, "whole.log"), dir, "whole.log");
    long wall = (System.nanoTime() - t0) / 1_000_000;

    Path cut = dir.resolve("cut");
    long seed = Long.getLong("loop.kill.seed", System.nanoTime());   // rerun a failure with -Dloop.kill.seed=S
    Random r = new Random(seed);
    List<String> seenAtKills = new ArrayList<>(List.of("kill seed " + seed));
    for (int kill = 0; kill < 3; kill++) {
      Process p = start(dir, cut, "cut-" + kill + ".log");
      long at = (long) (wall * (0.25 + 0.65 * r.nextDouble()));
      if (!p.waitFor(at, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
      }
      seenAtKills.add("killed at " + at + " ms of " + wall + ": " + finished(cut).stream()
          .filter(e -> e.startsWith("iter-")).toList());
    }
    finish(start(dir, cut, "cut-final.log"), dir, "cut-final.log");
    System.err.println("LoopResumeTest: " + seenAtKills);

    for (int k = 1; k <= 2; k++) {
      for (String f : OUTPUTS) {
        Path a = whole.resolve("iter-" + k).resolve(f);
        Path b = cut.resolve("iter-" + k).resolve(f);
        assertTrue(Files.exists(a) && Files.exists(b), "iter-" + k + "/" + f + " exists in both runs");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "iter-" + k + "/" + f + " differs after "
            + seenAtKills);
      }
    }
    assertEquals(Files.readAllLines(whole.resolve("loop_metrics.jsonl")),
        Files.readAllLines(cut.resolve("loop_metrics.jsonl")), "loop metrics after " + seenAtKills);
  }
}
