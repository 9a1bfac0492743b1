package dev.align4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.align4j.core.chatmodel.ChatCheckpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * Long runs whose memory must stay flat: 2,000 GRPO iterations at the demo's size, and 10,000 chat completions
 * against {@code align serve}. Each runs in its own JVM with a fixed, pre-touched heap ({@code -Xms = -Xmx}), so the
 * resident set grows only if native memory (NDArrays, PyTorch's allocator) or the heap's working set leaks;
 * resident memory at the end must be within 10 % of warm-up's, and descriptors must not grow.
 * Figures are printed (and written to {@code target/soak.txt}).
 */
@Tag("slow")
class SoakSlowTest {
  private static final Pattern SAMPLE = Pattern.compile("soak step (\\d+) rss_kib (\\d+) fds (\\d+) heap_mib (\\d+)");
  private static final String HEAP = "-Xmx1g";

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void report(String line) throws Exception {
    System.err.println(line);
    Files.writeString(Path.of("target", "soak.txt"), line + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  @Test
  void twoThousandGrpoIterationsAtTheDemoSizeKeepResidentMemoryFlat(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "reads /proc (Linux)");
    int iterations = Integer.getInteger("soak.iterations", 2000);
    Process p = new ProcessBuilder(java(), HEAP, "-Xms1g", "-XX:+AlwaysPreTouch", "--add-modules",
        "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), GrpoSoak.class.getName(),
        String.valueOf(iterations), dir.toString()).redirectError(dir.resolve("soak.log").toFile()).start();
    List<long[]> samples = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        Matcher m = SAMPLE.matcher(line);
        if (m.matches()) {
          samples.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
              Long.parseLong(m.group(4))});
        }
      }
    }
    assertTrue(p.waitFor(2, TimeUnit.HOURS));
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("soak.log")));
    assertTrue(samples.size() >= 10, "samples: " + samples.size());
    // warm-up: a tenth of the run (PyTorch's caching allocator and the JIT settle in the first hundreds)
    long[] warm = samples.stream().filter(s -> s[0] >= iterations / 10).findFirst().orElseThrow();
    long[] end = samples.get(samples.size() - 1);
    long peak = samples.stream().filter(s -> s[0] >= warm[0]).mapToLong(s -> s[1]).max().orElseThrow();
    report(String.format("grpo soak: %d iterations; RSS at warm-up (iteration %d) %,d KiB, at the end %,d KiB"
        + " (%+.1f %%), peak after warm-up %,d KiB; descriptors %d -> %d; heap in use %d -> %d MiB",
        end[0], warm[0], warm[1], end[1], 100.0 * (end[1] - warm[1]) / warm[1], peak, warm[2], end[2], warm[3],
        end[3]));
    assertTrue(end[1] <= warm[1] * 1.10, "RSS grew more than 10 % after warm-up");
    assertTrue(peak <= warm[1] * 1.10, "RSS peaked more than 10 % above warm-up");
    assertTrue(end[2] <= warm[2], "file descriptors grew");
  }

  private static long[] rssAndFds(long pid) throws Exception {
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return new long[] {rss, s.count()};
    }
  }

  @Test
  void tenThousandJudgeCallsAgainstAlignServeKeepMemoryAndDescriptorsFlat(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "reads /proc (Linux)");
    int calls = Integer.getInteger("soak.calls", 10_000);
    Path model = ChatCheckpoints.builtin(dir.resolve("judge"), ChatCheckpoints.JUDGE_CORPUS, 640, 7);
    Process serve = new ProcessBuilder(java(), HEAP, "-Xms1g", "-XX:+AlwaysPreTouch", "-cp",
        System.getProperty("java.class.path"), "dev.align4j.examples.cli.Align", "serve", "--model", model.toString(),
        "--port", "0", "--name", "judge").redirectErrorStream(true).start();
    try {
      BufferedReader log = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      String url = null;
      while (url == null) {
        String line = log.readLine();   // (a for loop's update would block on the line after the URL)
        if (line == null) {
          break;
        }
        Matcher m = Pattern.compile("align serve: serving judge at (\\S+)").matcher(line);
        url = m.find() ? m.group(1) : null;
      }
      assertTrue(url != null, "the server printed its URL");
      Thread drain = new Thread(() -> log.lines().forEach(l -> { }));
      drain.setDaemon(true);
      drain.start();
      HttpClient client = HttpClient.newHttpClient();
      long[] warm = null;
      List<String> trace = new ArrayList<>();
      for (int i = 1; i <= calls; i++) {
        String body = "{\"model\": \"judge\", \"max_tokens\": 4, \"logprobs\": true,"
            + " \"top_logprobs\": 5, \"messages\": [{\"role\": \"user\", \"content\": \"Which is better? call " + i
            + "\"}]}";
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/chat/completions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        if (i % (calls / 10) == 0) {
          long[] now = rssAndFds(serve.pid());
          trace.add(i + ": " + now[0] + " KiB, " + now[1] + " fds");
          if (warm == null) {
            warm = now;
          }
        }
      }
      long[] end = rssAndFds(serve.pid());
      report(String.format("serve soak: %d calls; server RSS after %d calls %,d KiB, at the end %,d KiB (%+.1f %%);"
          + " descriptors %d -> %d; trace %s", calls, calls / 10, warm[0], end[0], 100.0 * (end[0] - warm[0]) / warm[0],
          warm[1], end[1], trace));
      assertTrue(end[0] <= warm[0] * 1.10, "server RSS grew more than 10 %");
      assertTrue(end[1] <= warm[1], "server file descriptors grew");
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
