package dev.align4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command's contract on tiny-llama (a copy of {@code ../shared/models/tiny-llama}'s tokenizer files; the expected
 * text and ids are that folder's {@code chat} case, made by transformers): one JSON object on stdout, exit 0; bad
 * input and a raising template exit 2 with the reason on stderr and nothing on stdout.
 */
class ChatTemplateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path model;
  private static JsonNode chatCase;

  private record Run(int status, String stdout, String stderr) {}

  @BeforeAll
  static void load() throws Exception {
    model = Path.of(ChatTemplateCommandTest.class.getResource("/tiny-llama").toURI());
    chatCase = JSON.readTree(model.resolve("chat-case.json").toFile());
  }

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int status = Align.execute(args);
      return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static void assertGolden(Run r) throws Exception {
    assertEquals(0, r.status(), r.stderr());
    assertTrue(r.stdout().endsWith("}\n") && r.stdout().indexOf('\n') == r.stdout().length() - 1, r.stdout());
    JsonNode out = JSON.readTree(r.stdout());
    assertEquals(2, out.size());
    assertEquals(chatCase.get("rendered").asText(), out.get("rendered").asText());
    assertEquals(chatCase.get("input_ids"), out.get("input_ids"));
  }

  @Test
  void messagesWithGenerationPromptPrintRenderedTextAndIds(@TempDir Path dir) throws Exception {
    Path messages = dir.resolve("messages.json");
    Files.writeString(messages, chatCase.get("messages").toString());
    assertGolden(run("chat-template", "--model", model.toString(), "--messages", messages.toString(),
        "--add-generation-prompt"));
  }

  @Test
  void varsFileGivesTheCompleteVariables(@TempDir Path dir) throws Exception {
    Path vars = dir.resolve("vars.json");
    Files.writeString(vars, "{\"messages\": " + chatCase.get("messages") + ", \"add_generation_prompt\": true}");
    assertGolden(run("chat-template", "--model", model.toString(), "--vars", vars.toString()));
  }

  @Test
  void aTemplateThatRaisesReportsItsMessage(@TempDir Path dir) throws Exception {
    Files.copy(model.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    Files.writeString(dir.resolve("chat_template.jinja"),
        "{% if messages[0]['role'] != 'user' %}{{ raise_exception('first message must be from the user') }}"
            + "{% endif %}");
    Path messages = dir.resolve("m.json");
    Files.writeString(messages, "[{\"role\": \"system\", \"content\": \"hi\"}]");
    Run r = run("chat-template", "--model", dir.toString(), "--messages", messages.toString());
    assertEquals(Align.BAD_INPUT, r.status());
    assertEquals("", r.stdout());
    assertTrue(r.stderr().contains("the chat template raised: first message must be from the user"), r.stderr());
  }

  @Test
  void badInputIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
    Path vars = dir.resolve("vars.json");
    Files.writeString(vars, "{\"tools\": []}");
    Run r = run("chat-template", "--model", model.toString(), "--vars", vars.toString());
    assertEquals(Align.BAD_INPUT, r.status());
    assertTrue(r.stderr().contains("field 'messages' must be a list"), r.stderr());
    assertEquals("", r.stdout());

    Files.writeString(vars, "{\"messages\": []}");
    Run both = run("chat-template", "--model", model.toString(), "--vars", vars.toString(),
        "--add-generation-prompt");
    assertEquals(Align.BAD_INPUT, both.status());

    Run neither = run("chat-template", "--model", model.toString());
    assertEquals(Align.BAD_INPUT, neither.status());
    assertEquals("", neither.stdout());

    Run noModel = run("chat-template", "--model", dir.resolve("nope").toString(), "--vars", vars.toString());
    assertEquals(Align.BAD_INPUT, noModel.status());
  }
}
