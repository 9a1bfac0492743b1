package dev.align4j.examples.cli;

import static dev.align4j.examples.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage commands as a user runs them: TRL-format files, --config, resume, errors naming file and line. */
@Tag("integration")
class StageCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();



  /** The golden tiny Llama of the core module's test resources (the module folder is the working directory). */
  static Path tinyLlama() {
    return Path.of("../alignment-core/src/test/resources/models/tiny-llama").toAbsolutePath().normalize();
  }

  static void sftData(Path file, int n) throws Exception {
    String[] animals = {"cat", "dog", "bird", "fish"};
    String[] places = {"mat", "house", "tree", "water"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = i % 4;
      lines.add("{\"prompt\": \"where is the " + animals[a] + " ?\", \"completion\": \" the " + animals[a]
          + " is in the " + places[a] + " .\"}");
    }
    Files.write(file, lines);
  }

  @Test
  void sftTrainsWithAConfigFileAndTheResultLoadsInLogprobs(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("sft.jsonl");
    sftData(data, 32);
    Path config = dir.resolve("sft.yaml");
    Files.writeString(config, "learning_rate: 0.003\nmax-steps: 25\nbatch-size: 8\nlogging-steps: 5\n");
    Path out = dir.resolve("out");
    Run r = run("sft", "--model", tinyLlama().toString(), "--data", data.toString(), "--eval-split", "0.25",
        "--out", out.toString(), "--config", config.toString(), "--max-steps", "20");
    assertEquals(0, r.status(), r.stderr());
    JsonNode resolved = JSON.readTree(out.resolve("config.json").toFile());
    assertEquals(0.003, resolved.get("learning-rate").asDouble(), "from the config file");
    assertEquals(20, resolved.get("max-steps").asInt(), "the command line overrides the config file");
    assertEquals(20, JSON.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).stream()
        .reduce((a, b) -> b).orElseThrow()).get("step").asInt());

    String text = "where is the cat ? the cat is in the mat .";
    double before = sum(run("logprobs", "--model", tinyLlama().toString(), "--text", text).stdout());
    Run after = run("logprobs", "--model", out.resolve("final").toString(), "--text", text);
    assertEquals(0, after.status(), after.stderr());
    assertTrue(sum(after.stdout()) > before, "training text more likely after SFT");

    Run again = run("sft", "--model", tinyLlama().toString(), "--data", data.toString(), "--out", out.toString(),
        "--config", config.toString(), "--max-steps", "20");
    assertEquals(0, again.status(), "rerunning a finished run resumes from its last checkpoint: " + again.stderr());
  }

  static double sum(String json) throws Exception {
    double s = 0;
    for (JsonNode v : JSON.readTree(json).get("next_token_logprobs")) {
      s += v.asDouble();
    }
    return s;
  }

  @Test
  void aBadLineIsNamedWithFileLineAndField(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("bad.jsonl");
    Files.writeString(data, "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\", \"completion\": 3}\n");
    Run r = run("sft", "--model", tinyLlama().toString(), "--data", data.toString(), "--out",
        dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, r.status());
    assertTrue(r.stderr().contains(data + ":2: field 'completion': expected a string or a list of messages"),
        r.stderr());
  }

  @Test
  void anUnknownConfigKeyIsRefused(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("sft.jsonl");
    sftData(data, 8);
    Path config = dir.resolve("c.json");
    Files.writeString(config, "{\"learning-rat\": 0.1}");
    Run r = run("sft", "--model", tinyLlama().toString(), "--data", data.toString(), "--out",
        dir.resolve("o").toString(), "--config", config.toString());
    assertEquals(Align.BAD_INPUT, r.status());
    assertTrue(r.stderr().contains("'learning-rat' is not an option of 'align sft'"), r.stderr());
  }

  @Test
  void aFolderHoldingOtherFilesIsRefused(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("sft.jsonl");
    sftData(data, 8);
    Path out = dir.resolve("mine");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "precious");
    Run r = run("sft", "--model", tinyLlama().toString(), "--data", data.toString(), "--out", out.toString());
    assertEquals(Align.BAD_INPUT, r.status());
    assertTrue(r.stderr().contains("already holds files that are not an align4j run"), r.stderr());
    assertTrue(Files.exists(out.resolve("notes.txt")));
  }

  static void preferenceData(Path file, int n, boolean withSoftLabels) throws Exception {
    String[] animals = {"cat", "dog", "bird", "fish"};
    String[] places = {"mat", "house", "tree", "water"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = i % 4;
      lines.add("{\"prompt\": \"where is the " + animals[a] + " ?\", \"chosen\": \" the " + animals[a] + " is in the "
          + places[a] + " .\", \"rejected\": \" the " + animals[a] + " is in the " + places[(a + 1) % 4] + " .\""
          + (withSoftLabels ? ", \"p_chosen\": " + (0.6 + 0.1 * a) : "") + ", \"margin\": 1.0}");
    }
    Files.write(file, lines);
  }

  @Test
  void rmWithSoftLabelsRecordsThemAndReportsTheHeldOutSoftLoss(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("prefs.jsonl");
    preferenceData(data, 16, true);
    Path out = dir.resolve("rm");
    Run r = run("rm", "--model", tinyLlama().toString(), "--data", data.toString(), "--eval-split", "0.25",
        "--soft-labels", "--max-steps", "3", "--batch-size", "4", "--out", out.toString());
    assertEquals(0, r.status(), r.stderr());
    JsonNode resolved = JSON.readTree(out.resolve("config.json").toFile());
    assertTrue(resolved.get("soft-labels").asBoolean(), "config.json records --soft-labels");
    assertEquals("none", resolved.get("margin").asText(), "--margin auto does not pick margins under soft labels");
    assertTrue(r.stderr().contains("rm: held-out soft-label loss "), r.stderr());

    Run plain = run("rm", "--model", tinyLlama().toString(), "--data", data.toString(), "--max-steps", "1",
        "--batch-size", "4", "--out", dir.resolve("plain").toString());
    assertEquals(0, plain.status(), plain.stderr());
    JsonNode hard = JSON.readTree(dir.resolve("plain/config.json").toFile());
    assertEquals(false, hard.get("soft-labels").asBoolean(), "the default is recorded too");
    assertEquals("given", hard.get("margin").asText(), "without soft labels auto still uses the margins");
  }

  @Test
  void softLabelsWithGivenMarginsAreRefusedAndTheHelpShowsTheDefault(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("prefs.jsonl");
    preferenceData(data, 8, true);
    Run r = run("rm", "--model", tinyLlama().toString(), "--data", data.toString(), "--soft-labels", "--margin",
        "given", "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, r.status());
    assertTrue(r.stderr().contains("soft-labels cannot be combined with margin 'given'"), r.stderr());
    Run help = run("rm", "--help");
    assertEquals(0, help.status());
    String text = help.stdout().replaceAll("\\s+", " ");
    int option = text.indexOf("--soft-labels Fit sigma");
    int next = text.indexOf("--center-rewards-coefficient=", option);
    assertTrue(option > 0 && next > option, help.stdout());
    assertTrue(text.substring(option, next).endsWith("(default: false). "), "the builder's default: " + text);
  }

  /**
   * Issue 17's risk: TRL's {@code f_alpha_divergence_coef} defaults to 0.5 (at 1 alpha divergence is reverse KL, so
   * the old default of 1.0 silently trained another divergence).
   */
  @Test
  void theAlphaDivergenceCoefficientDefaultsToTrlsHalf() {
    Run help = run("dpo", "--help");
    assertEquals(0, help.status());
    String text = help.stdout().replaceAll("\\s+", " ");
    int option = text.indexOf("--f-alpha-divergence-coef=<alpha> alpha of");   // the option's description
    assertTrue(option > 0, help.stdout());
    assertTrue(text.substring(option, text.indexOf(" --", option + 2)).contains("(default: 0.5,"), text);
  }

}
