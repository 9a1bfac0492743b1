package dev.align4j.examples.cli;

import static dev.align4j.examples.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command's contract on tiny-llama (a copy of {@code ../shared/models/tiny-llama}'s tokenizer files; the expected
 * text and ids are that folder's {@code chat} case, made by transformers): one JSON object on stdout, exit 0; bad
 * input, a raising template and a hostile one exit 2 with the reason on stderr and nothing on stdout.
 */
class ChatTemplateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path model;
  private static JsonNode chatCase;


  @BeforeAll
  static void load() throws Exception {
    model = Path.of(ChatTemplateCommandTest.class.getResource("/tiny-llama").toURI());
    chatCase = JSON.readTree(model.resolve("chat-case.json").toFile());
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

  /** A model folder with tiny-llama's tokenizer and {@code template} as its chat_template.jinja. */
  private static Path withTemplate(Path dir, String template) throws Exception {
    if (!Files.exists(dir.resolve("tokenizer.json"))) {
      Files.copy(model.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    }
    Files.writeString(dir.resolve("chat_template.jinja"), template);
    return dir;
  }

  @Test
  void hostileTemplatesExit2WithOneLineNamingTheTemplateLineWithinASecond(@TempDir Path dir) throws Exception {
    Path messages = dir.resolve("m.json");
    Files.writeString(messages, "[{\"role\": \"user\", \"content\": \"hi\"}]");
    // issue 14's two templates: endless macro recursion, and 10^10 loop steps writing 'x'
    List<String[]> hostile = List.of(
        new String[] {"{% macro f(n) %}{{ f(n+1) }}{% endmacro %}{{ f(0) }}", "maxDepth = 200", "--max-depth"},
        new String[] {"{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            "maxLoopIterations = 100000", "--max-loop-iterations"});
    for (String[] h : hostile) {
      withTemplate(dir, h[0]);
      Run r = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> run("chat-template", "--model", dir.toString(),
          "--messages", messages.toString()));
      assertEquals(Align.BAD_INPUT, r.status(), r.stderr());
      assertEquals("", r.stdout());
      List<String> errors = r.stderr().lines().filter(l -> l.startsWith("align chat-template:")).toList();
      assertEquals(1, errors.size(), r.stderr());
      String error = errors.get(0);
      assertTrue(error.contains("template line 1: ") && error.contains(h[1]) && error.contains(h[2] + " N"), error);
      assertFalse(r.stderr().contains("\tat ") || r.stderr().contains("StackOverflowError"), r.stderr());
    }
  }

  @Test
  void limitsAreSetWithTheMaxOptions(@TempDir Path dir) throws Exception {
    Path messages = dir.resolve("m.json");
    Files.writeString(messages, "[]");
    withTemplate(dir, "{% for i in range(11) %}{{ i % 10 }}{% endfor %}");
    Run ok = run("chat-template", "--model", dir.toString(), "--messages", messages.toString());
    assertEquals(0, ok.status(), ok.stderr());
    assertEquals("01234567890", JSON.readTree(ok.stdout()).get("rendered").asText());

    Run loops = run("chat-template", "--model", dir.toString(), "--messages", messages.toString(),
        "--max-loop-iterations", "10");
    assertEquals(Align.BAD_INPUT, loops.status());
    assertTrue(loops.stderr().contains("maxLoopIterations = 10 ") && loops.stderr().contains(
        "--max-loop-iterations N"), loops.stderr());
    Run chars = run("chat-template", "--model", dir.toString(), "--messages", messages.toString(),
        "--max-output-chars", "10");
    assertTrue(chars.status() == Align.BAD_INPUT && chars.stderr().contains("maxOutputChars = 10 "), chars.stderr());
    withTemplate(dir, "\n{{ ((((1)))) }}");
    Run depth = run("chat-template", "--model", dir.toString(), "--messages", messages.toString(),
        "--max-depth", "4");
    assertTrue(depth.status() == Align.BAD_INPUT && depth.stderr().contains("template line 2: ")
        && depth.stderr().contains("maxDepth = 4 "), depth.stderr());
    withTemplate(dir, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}");
    Run slow = run("chat-template", "--model", dir.toString(), "--messages", messages.toString(),
        "--max-loop-iterations", "9223372036854775807", "--max-wall-seconds", "0.05");
    assertTrue(slow.status() == Align.BAD_INPUT && slow.stderr().contains("maxWallTime = 50 ms")
        && slow.stderr().contains("--max-wall-seconds N"), slow.stderr());

    Run zero = run("chat-template", "--model", dir.toString(), "--messages", messages.toString(),
        "--max-depth", "0");
    assertTrue(zero.status() == Align.BAD_INPUT && zero.stderr().contains("maxDepth must be >= 1"), zero.stderr());
    Run nan = run("chat-template", "--model", dir.toString(), "--messages", messages.toString(),
        "--max-wall-seconds", "NaN");
    assertTrue(nan.status() == Align.BAD_INPUT && nan.stderr().contains("--max-wall-seconds must be > 0"),
        nan.stderr());
  }
}
