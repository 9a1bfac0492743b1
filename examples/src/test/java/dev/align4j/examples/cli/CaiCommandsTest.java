package dev.align4j.examples.cli;

import static dev.align4j.examples.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.core.chatmodel.ChatCheckpoints;
import dev.align4j.core.chatmodel.LocalChatModel;
import dev.align4j.core.serve.ChatCompletionsServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code align cai revise} and {@code align cai label} as a user runs them, against a real (small, random) chat
 * checkpoint in-process and behind a loopback OpenAI-compatible server: outputs, exit codes, a request budget, a
 * killed run resumed without repeating a completed call, and an API key that reaches no file and no log line.
 */
@Tag("integration")
class CaiCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "sk-align4j-test-7f3a9c1e5b";

  @TempDir
  static Path shared;
  private static Path model;
  private static Path constitution;
  private static Path pairs;
  private static final int PAIRS = 12;


  @BeforeAll
  static void files() throws Exception {
    model = ChatCheckpoints.builtin(shared.resolve("model"), ChatCheckpoints.JUDGE_CORPUS, 640, 7);
    constitution = shared.resolve("constitution.json");
    Files.writeString(constitution, "{\"name\": \"test\", \"principles\": [{\"id\": \"better\", \"critique\": \"What is"
        + " wrong with the answer?\", \"revision\": \"Write a better answer.\", \"comparison\": \"Which is"
        + " better?\"}], \"few_shot\": []}");
    pairs = shared.resolve("pairs.jsonl");
    Random r = new Random(3);
    String[] w = "the answer is better than a human option".split(" ");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      lines.add("{\"prompt\": \"" + words(r, w, 5) + "\", \"completions\": [\"" + words(r, w, 3) + "\", \""
          + words(r, w, 3) + "\"], \"label\": " + (i % 2) + "}");
    }
    Files.write(pairs, lines);
  }

  private static String words(Random r, String[] w, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(w[r.nextInt(w.length)]);
    }
    return b.toString();
  }


  @Test
  void reviseWritesTargetsAndARerunAsksNothing(@TempDir Path dir) throws Exception {
    Path prompts = dir.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"prompt\": \"the answer is\"}", "{\"prompt\": \"a human option\"}",
        "{\"prompt\": \"better than\", \"completion\": \"the answer\"}"));
    Path out = dir.resolve("out");
    String[] args = {"cai", "revise", "--constitution", constitution.toString(), "--prompts", prompts.toString(),
        "--model", model.toString(), "--rounds", "2", "--max-new-tokens", "8", "--seed", "4", "--out", out.toString()};
    Run first = run(args);
    assertEquals(0, first.status(), first.stderr());
    JsonNode summary = JSON.readTree(first.stdout());
    assertEquals(3, summary.get("prompts").asInt());
    assertEquals(3, summary.get("revised").asInt() + summary.get("dropped").asInt());
    List<String> revisions = Files.readAllLines(out.resolve("revisions.jsonl"));
    assertEquals(3, revisions.size());
    JsonNode given = JSON.readTree(revisions.get(2));
    assertEquals("the answer", given.get("initial").asText(), "a row's completion is the answer revised");
    for (String line : revisions) {
      JsonNode row = JSON.readTree(line);
      assertEquals(summary.get("constitution_sha256").asText(), row.get("constitution_sha256").asText());
      assertTrue(row.has("revision") != row.has("dropped"), line);
    }
    assertEquals(summary.get("revised").asInt(), Files.readAllLines(out.resolve("sft.jsonl")).size());
    // Initial answers (2), critiques and revisions (2 rounds) are all cached: a rerun asks the model nothing and
    // writes the same files.
    String cache = Files.readString(out.resolve("chat-cache.jsonl"));
    String sft = Files.readString(out.resolve("sft.jsonl"));
    Run again = run(args);
    assertEquals(0, again.status(), again.stderr());
    assertEquals(cache, Files.readString(out.resolve("chat-cache.jsonl")), "the rerun made new calls");
    assertEquals(sft, Files.readString(out.resolve("sft.jsonl")));
    assertEquals(revisions, Files.readAllLines(out.resolve("revisions.jsonl")));
  }

  @Test
  void labelSamplesThePairsFromAPolicyWhenAsked(@TempDir Path dir) throws Exception {
    Path prompts = dir.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"prompt\": \"the answer is\"}", "{\"prompt\": \"a human option\"}",
        "{\"prompt\": [{\"role\": \"user\", \"content\": \"better than\"}]}"));
    Path out = dir.resolve("out");
    String[] args = {"cai", "label", "--constitution", constitution.toString(), "--policy", model.toString(),
        "--prompts", prompts.toString(), "--max-new-tokens", "6", "--judge-model", model.toString(), "--out",
        out.toString()};
    Run r = run(args);
    assertEquals(0, r.status(), r.stderr());
    assertTrue(r.stderr().contains("sampled 3 pairs"), r.stderr());
    List<String> labels = Files.readAllLines(out.resolve("labels.jsonl"));
    assertEquals(3, labels.size());
    assertEquals(3, JSON.readTree(r.stdout()).get("pairs").asInt());
    // The samples are cached beside the judge's replies: a rerun samples and asks nothing.
    String policyCache = Files.readString(out.resolve("policy-cache.jsonl"));
    String judgeCache = Files.readString(out.resolve("chat-cache.jsonl"));
    assertEquals(6, policyCache.lines().count(), "two samples per prompt");
    Run again = run(args);
    assertEquals(0, again.status(), again.stderr());
    assertEquals(policyCache, Files.readString(out.resolve("policy-cache.jsonl")));
    assertEquals(judgeCache, Files.readString(out.resolve("chat-cache.jsonl")));
    assertEquals(labels, Files.readAllLines(out.resolve("labels.jsonl")));
  }

  @Test
  void badUsageIsExitStatus2NamingTheOption(@TempDir Path dir) {
    Run neither = run("cai", "label", "--constitution", constitution.toString(), "--pairs", pairs.toString(),
        "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, neither.status());
    assertTrue(neither.stderr().contains("--judge-model DIR or --judge-endpoint URL"), neither.stderr());
    Run noName = run("cai", "label", "--constitution", constitution.toString(), "--pairs", pairs.toString(),
        "--judge-endpoint", "http://127.0.0.1:9/v1", "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, noName.status());
    assertTrue(noName.stderr().contains("--judge-endpoint-model"), noName.stderr());
    Run unsetKey = run("cai", "label", "--constitution", constitution.toString(), "--pairs", pairs.toString(),
        "--judge-endpoint", "http://127.0.0.1:9/v1", "--judge-endpoint-model", "m", "--api-key-env",
        "ALIGN4J_SURELY_UNSET_VARIABLE", "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, unsetKey.status());
    assertTrue(unsetKey.stderr().contains("ALIGN4J_SURELY_UNSET_VARIABLE"), unsetKey.stderr());
  }

  @Test
  void aBudgetStopsTheRunAndTheRerunAsksOnlyWhatIsMissing(@TempDir Path dir) throws Exception {
    try (LocalChatModel served = LocalChatModel.open(model); Counting counting = new Counting(served);
        ChatCompletionsServer server = ChatCompletionsServer.builder(counting).port(0).build()) {
      server.start();
      Path out = dir.resolve("out");
      List<String> base = List.of("cai", "label", "--constitution", constitution.toString(), "--pairs",
          pairs.toString(), "--judge-endpoint", server.url(), "--judge-endpoint-model", server.modelName(),
          "--max-concurrency", "1", "--out", out.toString());
      List<String> budgeted = new ArrayList<>(base);
      budgeted.addAll(List.of("--request-budget", "10"));
      Run stopped = run(budgeted.toArray(String[]::new));
      assertEquals(Align.CHECK_FAILED, stopped.status(), stopped.stderr());
      assertTrue(stopped.stderr().contains("budget") && stopped.stderr().contains("rerun the same command"),
          stopped.stderr());
      assertEquals(10, counting.requests.get(), "requests sent within the budget of 10");
      assertFalse(Files.exists(out.resolve("preferences.jsonl")), "a stopped run writes no labels");

      Run resumed = run(base.toArray(String[]::new));
      assertEquals(0, resumed.status(), resumed.stderr());
      // Both orders of every pair: each question asked exactly once over the two runs.
      assertEquals(2 * PAIRS, counting.requests.get());
      assertEquals(0, counting.repeats());
      JsonNode report = JSON.readTree(resumed.stdout());
      assertEquals(PAIRS, report.get("pairs").asInt());
      assertTrue(resumed.stderr().contains("cai label: pairs " + PAIRS), resumed.stderr());
      String preferences = Files.readString(out.resolve("preferences.jsonl"));
      String labels = Files.readString(out.resolve("labels.jsonl"));

      Run third = run(base.toArray(String[]::new));
      assertEquals(0, third.status(), third.stderr());
      assertEquals(2 * PAIRS, counting.requests.get(), "a finished run rewrites its outputs from the cache");
      assertEquals(preferences, Files.readString(out.resolve("preferences.jsonl")));
      assertEquals(labels, Files.readString(out.resolve("labels.jsonl")));

      // An agreement floor the labels miss: diagnostics only, exit status 1. (Asked in both orders this random judge
      // only ties or fails, since it sees one option at most; asked in one order it picks sides, some wrongly.)
      Path strictOut = dir.resolve("strict");
      List<String> strict = new ArrayList<>(base.subList(0, base.size() - 2));   // all but "--out OUT"
      strict.addAll(List.of("--both-orders", "false", "--min-agreement", "1.0", "--out", strictOut.toString()));
      Run refused = run(strict.toArray(String[]::new));
      assertEquals(Align.CHECK_FAILED, refused.status(), refused.stderr());
      assertTrue(refused.stderr().contains("below --min-agreement"), refused.stderr());
      JsonNode strictReport = JSON.readTree(strictOut.resolve("labeller.json").toFile());
      assertTrue(strictReport.get("labelled").asInt() > 0 && strictReport.get("agreement").asDouble() < 1.0,
          strictReport.toString());
      assertFalse(Files.exists(strictOut.resolve("preferences.jsonl")));
      assertFalse(Files.exists(strictOut.resolve("labels.jsonl")));
      assertEquals(3 * PAIRS, counting.requests.get(), "the one-order run asked each pair once, in its own cache");
    }
  }

  @Test
  void aKilledRunResumesWithoutRepeatingACompletedCallAndTheKeyIsWrittenNowhere(@TempDir Path dir)
      throws Exception {
    try (LocalChatModel served = LocalChatModel.open(model); Counting counting = new Counting(served);
        ChatCompletionsServer server = ChatCompletionsServer.builder(counting).port(0).build()) {
      server.start();
      Path out = dir.resolve("out");
      List<String> args = List.of("cai", "label", "--constitution", constitution.toString(), "--pairs",
          pairs.toString(), "--judge-endpoint", server.url(), "--judge-endpoint-model", server.modelName(),
          "--api-key-env", "ALIGN4J_TEST_KEY", "--max-concurrency", "1", "--out", out.toString());
      Path log1 = dir.resolve("first.log");
      Process first = start(args, log1);
      counting.slowDown = true;
      // Kill the process (SIGKILL: no shutdown hook, no flush) once it has had 9 answers.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (counting.requests.get() < 9 && first.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      first.destroyForcibly().waitFor();
      int before = counting.requests.get();
      assertTrue(before >= 9 && before < 2 * PAIRS, "killed after " + before + " requests");
      counting.slowDown = false;

      Path log2 = dir.resolve("second.log");
      Process second = start(args, log2);
      assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the resumed run finished");
      assertEquals(0, second.exitValue(), Files.readString(log2));
      // Every question once, except at most the one in flight when the process died (its reply never reached the
      // cache): completed calls are never repeated.
      assertTrue(counting.repeats() <= 1, counting.repeats() + " repeated requests");
      assertEquals(2 * PAIRS + counting.repeats(), counting.requests.get());
      assertEquals(PAIRS, JSON.readTree(out.resolve("labeller.json").toFile()).get("pairs").asInt());

      List<Path> files;
      try (Stream<Path> s = Files.walk(out)) {
        files = s.filter(Files::isRegularFile).toList();
      }
      assertTrue(files.size() >= 4, files.toString());
      for (Path f : files) {
        assertFalse(Files.readString(f).contains(KEY), "the API key is in " + f);
      }
      for (Path f : List.of(log1, log2)) {
        assertFalse(Files.readString(f).contains(KEY), "the API key is in the log " + f);
      }
      assertTrue(Files.readString(log2).contains("cai label:"), "the log was captured");
    }
  }

  /** {@code align} in its own JVM with the API key in its environment, stdout and stderr to {@code log}. */
  private static Process start(List<String> args, Path log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
        Align.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("ALIGN4J_TEST_KEY", KEY);
    pb.directory(new File("."));
    return pb.start();
  }

  /** The served model, counting the requests it answers and how many repeat an earlier one. */
  private static final class Counting implements ChatModel {
    final AtomicInteger requests = new AtomicInteger();
    private final Map<String, Integer> seen = new HashMap<>();
    private final ChatModel inner;
    volatile boolean slowDown;

    Counting(ChatModel inner) {
      this.inner = inner;
    }

    @Override
    public String id() {
      return inner.id();
    }

    @Override
    public List<ChatReply> chat(List<ChatRequest> batch) {
      List<ChatReply> replies = inner.chat(batch);
      synchronized (seen) {
        for (ChatRequest r : batch) {
          seen.merge(r.toString(), 1, Integer::sum);
        }
      }
      requests.addAndGet(batch.size());
      if (slowDown) {
        try {
          Thread.sleep(150);   // so that the kill lands between calls and mid-run, not after the last one
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return replies;
    }

    int repeats() {
      synchronized (seen) {
        return seen.values().stream().mapToInt(v -> v - 1).sum();
      }
    }
  }
}
