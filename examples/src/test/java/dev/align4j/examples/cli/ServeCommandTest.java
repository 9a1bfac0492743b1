package dev.align4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code align serve} started in-process on a free port over the core module's tiny Llama (it has a chat template):
 * the options reach the server, and a folder that cannot be served exits 2 with the reason on stderr only.
 */
class ServeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The golden tiny Llama of the core module's test resources (the module folder is the working directory). */
  private static Path tinyLlama() {
    return Path.of("../alignment-core/src/test/resources/models/tiny-llama").toAbsolutePath().normalize();
  }

  @Test
  void servesTheModelUnderItsNameOnTheGivenPort() throws Exception {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs("--model", tinyLlama().toString(), "--port", "0", "--name", "tiny",
        "--default-max-tokens", "3");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (ServeCommand.Serving s = cmd.start()) {
      String url = s.server().url();
      assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/v1"), url);
      HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(url + "/models")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("tiny", JSON.readTree(models.body()).get("data").get(0).get("id").asText());
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/chat/completions"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"tiny\", \"temperature\": 0,"
              + " \"messages\": [{\"role\": \"user\", \"content\": \"the cat\"}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonNode usage = JSON.readTree(r.body()).get("usage");
      assertTrue(usage.get("completion_tokens").asInt() <= 3, "--default-max-tokens reaches the server: " + usage);
    }
  }

  @Test
  void aFolderWithoutAModelExits2WithTheReasonOnStderr(@TempDir Path empty) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      status = Align.execute("serve", "--model", empty.toString(), "--port", "0");
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertEquals(2, status, err.toString(StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains(empty.toString()) && message.contains("no chat template"), message);
  }
}
