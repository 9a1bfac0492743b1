package dev.align4j.examples.cli;

import static dev.align4j.examples.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code align loop} as a labelling team runs it: stop for labels, label, rerun, until the loop finishes. */
@Tag("integration")
class LoopCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();



  /** The golden tiny Llama of the core module's test resources (the module folder is the working directory). */
  static Path tinyLlama() {
    return Path.of("../alignment-core/src/test/resources/models/tiny-llama").toAbsolutePath().normalize();
  }

  /** A reward model of the tiny Llama's body with a zero head: every pair starts at P = ½. */
  static Path zeroRewardModel(Path dir) throws Exception {
    Path rm = dir.resolve("rm");
    try (AlignModel base = AlignModel.load(tinyLlama()); AlignRewardModel r = base.newScalarModel(64)) {
      r.save(rm);
    }
    return rm;
  }

  static Path prompts(Path dir, int n) throws Exception {
    String[] animals = {"cat", "dog", "bird", "fish", "fox"};
    String[] places = {"house", "tree", "garden", "water"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add("{\"prompt\": \"where is the " + animals[i % 5] + " in the " + places[(i / 5) % 4] + " ?\"}");
    }
    Path file = dir.resolve("prompts.jsonl");
    Files.write(file, lines);
    return file;
  }

  /** Labels every pair of {@code toLabel}: alternately 0 and 1, every fifth a soft {@code p}. */
  private static void label(Path toLabel, Path labels) throws Exception {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String line : Files.readAllLines(toLabel)) {
      String id = JSON.readTree(line).get("id").asText();
      out.add(i % 5 == 4 ? "{\"id\": \"" + id + "\", \"p\": 0.7}" : "{\"id\": \"" + id + "\", \"label\": " + (i % 2)
          + "}");
      i++;
    }
    Files.write(labels, out);
  }

  private static void assertPairs(Path toLabel, int n) throws Exception {
    List<String> lines = Files.readAllLines(toLabel);
    assertEquals(n, lines.size(), toLabel + " has one line per pair to label");
    for (String line : lines) {
      JsonNode node = JSON.readTree(line);
      assertTrue(node.get("id").isTextual() && node.get("prompt").isTextual(), line);
      assertEquals(2, node.get("completions").size(), line);
      assertTrue(!node.get("completions").get(0).asText().equals(node.get("completions").get(1).asText()),
          "identical completions are never a candidate: " + line);
    }
  }

  @Test
  void humanLabellersStopTheLoopTwiceAndItFinishesWithFreshAccuracyPerIteration(@TempDir Path dir)
      throws Exception {
    Path rm = zeroRewardModel(dir);
    Path prompts = prompts(dir, 40);
    Path out = dir.resolve("loop");
    String[] args = {"loop", "--model", tinyLlama().toString(), "--reward-model", rm.toString(), "--prompts",
        prompts.toString(), "--labeller", "human", "--iterations", "2", "--labels-per-iteration", "16",
        "--prompts-per-iteration", "20", "--max-new-tokens", "6", "--max-steps", "2", "--batch-size", "2",
        "--num-generations", "2", "--learning-rate", "1e-3", "--rm-batch-size", "8", "--threads", "1", "--out",
        out.toString()};

    Run first = run(args);
    assertEquals(Align.LABELS_NEEDED, first.status(), first.stderr());
    assertEquals("", first.stdout(), "stdout carries no data while waiting for labels");
    Path toLabel1 = out.resolve("iter-1/to_label.jsonl");
    assertPairs(toLabel1, 16);
    assertTrue(first.stderr().contains(toLabel1.toString()) && first.stderr().contains(
        out.resolve("iter-1/labels.jsonl").toString()), first.stderr());
    assertTrue(first.stderr().contains("Then rerun: align loop loop --model") || first.stderr().contains(
        "rerun: align loop"), first.stderr());

    // A label for a pair that was never asked about is named with file, line and field.
    Files.writeString(out.resolve("iter-1/labels.jsonl"), "{\"id\": \"no-such-pair\", \"label\": 0}\n");
    Run bad = run(args);
    assertEquals(Align.BAD_INPUT, bad.status(), bad.stderr());
    assertTrue(bad.stderr().contains("labels.jsonl:1: field 'id': 'no-such-pair' is not a pair of"), bad.stderr());

    label(toLabel1, out.resolve("iter-1/labels.jsonl"));
    Run second = run(args);
    assertEquals(Align.LABELS_NEEDED, second.status(), second.stderr());
    assertTrue(Files.exists(out.resolve("iter-1/metrics.json")), "iteration 1 finished");
    assertTrue(Files.isDirectory(out.resolve("iter-1/policy")) && Files.isDirectory(out.resolve("iter-1/rm/member-0")));
    Path toLabel2 = out.resolve("iter-2/to_label.jsonl");
    assertPairs(toLabel2, 16);

    label(toLabel2, out.resolve("iter-2/labels.jsonl"));
    Run third = run(args);
    assertEquals(0, third.status(), third.stderr());
    assertEquals("", third.stdout());
    List<String> metrics = Files.readAllLines(out.resolve("loop_metrics.jsonl"));
    assertEquals(2, metrics.size());
    for (int k = 1; k <= 2; k++) {
      JsonNode m = JSON.readTree(metrics.get(k - 1));
      assertEquals("iteration", m.fieldNames().next(), "iteration comes first");
      assertEquals(k, m.get("iteration").asInt());
      assertTrue(m.get("rm/fresh_accuracy_before").isNumber(), metrics.get(k - 1));
      assertTrue(m.get("rm/fresh_accuracy_after").isNumber(), metrics.get(k - 1));
      assertEquals(16 * k, m.get("labels/spent").asInt());
      assertTrue(m.has("diversity/distinct_1") && m.has("diversity/self_similarity") && m.has("reward/mean"),
          metrics.get(k - 1));
    }
    // The zero head has no opinion: every fresh pair is a coin flip for it, scored as half right.
    assertEquals(0.5, JSON.readTree(metrics.get(0)).get("rm/fresh_accuracy_before").asDouble(), 1e-12);
    JsonNode state = JSON.readTree(out.resolve("loop_state.json").toFile());
    assertEquals(2, state.get("iterations_finished").asInt());
    assertEquals("iter-2/policy", state.get("policy").asText());

    Run again = run(args);
    assertEquals(0, again.status(), "a finished loop reruns as a no-op: " + again.stderr());
    assertEquals(metrics, Files.readAllLines(out.resolve("loop_metrics.jsonl")));
  }

  /** Demonstrations of the prompts' kind, in TRL's prompt-completion format. */
  private static Path demonstrations(Path dir, String name, int n, int offset) throws Exception {
    String[] animals = {"cat", "dog", "bird", "fish", "fox"};
    String[] places = {"house", "tree", "garden", "water"};
    List<String> lines = new ArrayList<>();
    for (int i = offset; i < offset + n; i++) {
      String place = places[(i / 5) % 4];
      lines.add("{\"prompt\": \"where is the " + animals[i % 5] + " in the " + place + " ?\", \"completion\": \""
          + " it is in the " + place + " .\"}");
    }
    Path file = dir.resolve(name);
    Files.write(file, lines);
    return file;
  }

  @Test
  void anSftRefreshBecomesTheReferenceOfTheIterationsAfterIt(@TempDir Path dir) throws Exception {
    Path rm = zeroRewardModel(dir);
    Path heldOut = demonstrations(dir, "heldout.jsonl", 4, 0);
    Path out = dir.resolve("loop");
    List<String> common = List.of("loop", "--model", tinyLlama().toString(), "--reward-model", rm.toString(),
        "--prompts", prompts(dir, 40).toString(), "--labeller", "human", "--iterations", "2",
        "--labels-per-iteration", "4", "--prompts-per-iteration", "20", "--max-new-tokens", "6", "--max-steps", "2",
        "--batch-size", "2", "--num-generations", "2", "--learning-rate", "1e-3", "--rm-batch-size", "4",
        "--threads", "1", "--heldout-demos", heldOut.toString(), "--sft-every", "1", "--out", out.toString());
    Run noDemos = run(common.toArray(String[]::new));
    assertEquals(Align.BAD_INPUT, noDemos.status(), noDemos.stderr());
    assertTrue(noDemos.stderr().contains("give them with --sft-demos FILE"), noDemos.stderr());

    List<String> withDemos = new ArrayList<>(common);
    withDemos.addAll(List.of("--sft-demos", demonstrations(dir, "demos.jsonl", 8, 20).toString(),
        "--sft-batch-size", "2", "--sft-learning-rate", "1e-3"));
    String[] args = withDemos.toArray(String[]::new);
    assertEquals(Align.LABELS_NEEDED, run(args).status());
    label(out.resolve("iter-1/to_label.jsonl"), out.resolve("iter-1/labels.jsonl"));
    assertEquals(Align.LABELS_NEEDED, run(args).status());
    assertTrue(Files.isRegularFile(out.resolve("iter-1/sft/model.safetensors")), "refreshed after iteration 1");
    label(out.resolve("iter-2/to_label.jsonl"), out.resolve("iter-2/labels.jsonl"));
    Run done = run(args);
    assertEquals(0, done.status(), done.stderr());
    assertTrue(!Files.exists(out.resolve("iter-2/sft")), "no refresh after the last iteration: nothing would use it");

    List<String> metrics = Files.readAllLines(out.resolve("loop_metrics.jsonl"));
    JsonNode first = JSON.readTree(metrics.get(0));
    JsonNode second = JSON.readTree(metrics.get(1));
    assertEquals(1, first.get("sft/refreshed").asInt(), metrics.get(0));
    assertTrue(!second.has("sft/refreshed"), metrics.get(1));
    // Iteration 2 measures forgetting against the refreshed model, not the original one.
    List<dev.align4j.api.data.Demonstration> demos = dev.align4j.core.data.DataFiles.demonstrations(heldOut,
        dev.align4j.core.data.DataFiles.Dedup.KEEP).examples();
    try (AlignModel policy = AlignModel.load(out.resolve("iter-2/policy"));
        AlignModel refreshed = AlignModel.load(out.resolve("iter-1/sft"));
        AlignModel original = AlignModel.load(tinyLlama())) {
      double p = dev.align4j.core.eval.HeldOutLoss.of(policy, demos, 64);
      double r = dev.align4j.core.eval.HeldOutLoss.of(refreshed, demos, 64);
      double o = dev.align4j.core.eval.HeldOutLoss.of(original, demos, 64);
      assertEquals(r, first.get("sft/heldout_loss").asDouble(), 1e-9);
      assertTrue(Math.abs(r - o) > 1e-3, "the refresh changed the model: held-out loss " + o + " -> " + r);
      assertEquals(p - r, second.get("sft/heldout_loss_drift").asDouble(), 1e-9, metrics.get(1));
    }
  }

  @Test
  void theWorldLabellerRefusesPromptsOutsideTheWorld(@TempDir Path dir) throws Exception {
    Path rm = zeroRewardModel(dir);
    Run r = run("loop", "--model", tinyLlama().toString(), "--reward-model", rm.toString(), "--prompts",
        prompts(dir, 40).toString(), "--labeller", "world", "--iterations", "2", "--prompts-per-iteration", "20",
        "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, r.status(), r.stderr());
    assertTrue(r.stderr().contains("--labeller world labels only the built-in task's prompts"), r.stderr());
    assertTrue(r.stderr().contains("line 1 is not one"), r.stderr());
  }
}
