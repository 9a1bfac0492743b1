package dev.align4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.align4j.core.chatmodel.ChatCheckpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * align4j connects to nothing but the endpoints a user configured, checked from outside the JVM with
 * {@code strace -f -e trace=connect}: a training stage opens no network connection at all, and a labelling run
 * against a judge endpoint connects only to that endpoint's address and port. The endpoint's bearer token, read from
 * the environment, reaches neither process's log (at debug level) nor any output file.
 */
@Tag("slow")
class NetworkSlowTest {
  private static final String KEY = "sk-align4j-strace-5e1b2c9d";
  /** An IPv4 or IPv6 socket address in strace's notation. */
  private static final Pattern INET = Pattern.compile("connect\\(\\d+, \\{sa_family=AF_INET6?, sin6?_port=htons\\("
      + "(\\d+)\\).*?(?:inet_addr\\(\"([^\"]+)\"\\)|inet_pton\\(AF_INET6, \"([^\"]+)\")");

  private static boolean straceWorks() throws Exception {
    try {
      Process p = new ProcessBuilder("strace", "-f", "-e", "trace=connect", "-o", "/dev/null", "true")
          .redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException noStrace) {
      return false;
    }
  }

  /** {@code align args} under strace (or, with a null trace, not traced) with the key in its environment. */
  private static ProcessBuilder traced(Path trace, List<String> args) {
    List<String> cmd = new ArrayList<>();
    if (trace != null) {
      cmd.addAll(List.of("strace", "-f", "-e", "trace=connect", "-o", trace.toString()));
    }
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
        Align.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ALIGN4J_STRACE_KEY", KEY);
    return pb;
  }

  /** Every IPv4/IPv6 connect in a trace, as {@code address:port}. */
  private static List<String> inetConnects(Path trace) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(trace)) {
      Matcher m = INET.matcher(line);
      if (m.find()) {
        out.add((m.group(2) != null ? m.group(2) : m.group(3)) + ":" + m.group(1));
      }
    }
    return out;
  }

  private static void assertKeyNowhere(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(KEY),
            "the key is in " + f);
      }
    }
  }

  @Test
  void aTrainingStageConnectsNowhere(@TempDir Path dir) throws Exception {
    assumeTrue(straceWorks(), "needs strace that may trace (ptrace) here");
    Path data = dir.resolve("sft.jsonl");
    StageCommandsTest.sftData(data, 16);
    Path trace = dir.resolve("sft.strace");
    Process p = traced(trace, List.of("sft", "--model", StageCommandsTest.tinyLlama().toString(), "--data",
        data.toString(), "--max-steps", "4", "--out", dir.resolve("out").toString()))
        .redirectOutput(dir.resolve("sft.log").toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("sft.log")));
    assertTrue(Files.readString(trace).contains("+++ exited with 0 +++"), "the trace covers the whole run");
    assertEquals(List.of(), inetConnects(trace), "network connections of align sft");
  }

  @Test
  void aLabellingRunConnectsOnlyToItsJudgeAndTheTokenIsWrittenNowhere(@TempDir Path dir) throws Exception {
    assumeTrue(straceWorks(), "needs strace that may trace (ptrace) here");
    Path judge = ChatCheckpoints.builtin(dir.resolve("judge"), ChatCheckpoints.JUDGE_CORPUS, 640, 7);
    Path constitution = dir.resolve("constitution.json");
    Files.writeString(constitution, "{\"name\": \"t\", \"principles\": [{\"id\": \"better\", \"critique\": \"What is"
        + " wrong?\", \"revision\": \"Improve it.\", \"comparison\": \"Which is better?\"}], \"few_shot\": []}");
    Path pairs = dir.resolve("pairs.jsonl");
    Files.write(pairs, List.of("{\"prompt\": \"the answer\", \"completions\": [\"is better\", \"a human\"]}",
        "{\"prompt\": \"an option\", \"completions\": [\"the answer is\", \"better than\"]}"));
    Path serveLog = dir.resolve("serve.log");
    // the server is not traced: a traced process would outlive a stopped strace
    Process serve = traced(null, List.of("serve", "--model", judge.toString(), "--port", "0", "--name", "judge",
        "--api-key-env", "ALIGN4J_STRACE_KEY")).start();
    try {
      BufferedReader log = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      List<String> serveLines = java.util.Collections.synchronizedList(new ArrayList<>());
      String url = null;
      while (url == null) {
        String line = log.readLine();   // (a for loop's update would block on the line after the URL)
        if (line == null) {
          break;
        }
        serveLines.add(line);
        Matcher m = Pattern.compile("align serve: serving judge at (\\S+)").matcher(line);
        url = m.find() ? m.group(1) : null;
      }
      assertTrue(url != null, "the server printed its URL: " + serveLines);
      String port = url.replaceAll(".*:(\\d+)/v1$", "$1");
      // keep reading the server's debug log, or a full pipe would block it
      Thread drain = new Thread(() -> log.lines().forEach(serveLines::add));
      drain.setDaemon(true);
      drain.start();

      Path out = dir.resolve("out");
      Path trace = dir.resolve("label.strace");
      Process label = traced(trace, List.of("cai", "label", "--constitution", constitution.toString(), "--pairs",
          pairs.toString(), "--judge-endpoint", url, "--judge-endpoint-model", "judge", "--api-key-env",
          "ALIGN4J_STRACE_KEY", "--out", out.toString())).redirectOutput(dir.resolve("label.log").toFile()).start();
      assertTrue(label.waitFor(5, TimeUnit.MINUTES));
      assertEquals(0, label.exitValue(), Files.readString(dir.resolve("label.log")));
      List<String> connects = inetConnects(trace);
      assertFalse(connects.isEmpty(), "the trace saw the judge calls");
      for (String c : connects) {
        assertTrue(c.equals("127.0.0.1:" + port) || c.equals("::ffff:127.0.0.1:" + port),
            "align cai label connected to " + c + " (configured: " + url + "); all: " + connects);
      }
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
      drain.join(10_000);
      synchronized (serveLines) {
        Files.write(serveLog, serveLines);
      }
      assertKeyNowhere(out);
      assertFalse(Files.readString(dir.resolve("label.log")).contains(KEY), "the key is in the labeller's log");
      assertFalse(Files.readString(serveLog).contains(KEY), "the key is in the server's log");
      assertTrue(Files.readString(dir.resolve("label.log")).contains("DEBUG"), "the log was at debug level");
    } finally {
      serve.destroyForcibly();
    }
  }
}
