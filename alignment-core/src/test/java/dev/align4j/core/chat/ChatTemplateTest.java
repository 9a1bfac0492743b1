package dev.align4j.core.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.chat.jinja.TemplateException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a folder's template and special tokens as transformers does, and the tiny-llama golden chat case. */
class ChatTemplateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path resourceDir(String name) throws URISyntaxException {
    return Path.of(ChatTemplateTest.class.getResource("/chat/" + name).toURI());
  }

  @Test
  void tinyLlamaChatCaseRendersAndTokenisesLikeTransformers() throws Exception {
    Path dir = resourceDir("tiny-llama");
    JsonNode c = JSON.readTree(dir.resolve("chat-case.json").toFile());
    List<?> messages = (List<?>) JsonValues.toValue(c.get("messages"));
    String text = ChatTemplate.load(dir).render(messages, true).text();
    assertEquals(c.get("rendered").asText(), text);
    try (ChatTokenizer tok = ChatTokenizer.open(dir)) {
      assertArrayEquals(JSON.convertValue(c.get("input_ids"), long[].class), tok.encode(text).ids());
    }
  }

  @Test
  void specialTokensComeFromTheConfigAsStringsOrAddedTokens(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": {\"content\": \"<B>\", \"lstrip\": false},"
        + " \"eos_token\": \"<E>\", \"pad_token\": null, \"additional_special_tokens\": [\"<X>\"],"
        + " \"chat_template\": \"{{ bos_token }}|{{ eos_token }}|{{ pad_token is defined }}|{{ unk_token }}|"
        + "{{ additional_special_tokens }}|{{ tools }}|{{ add_generation_prompt }}\"}");
    Files.writeString(dir.resolve("special_tokens_map.json"), "{\"unk_token\": \"<U>\", \"pad_token\": \"<P>\"}");
    ChatTemplate t = ChatTemplate.load(dir);
    // pad_token is null in the config, so the map's value does not come back; unk_token only the map sets
    assertEquals("<B>|<E>|False|<U>|['<X>']|None|False", t.render(List.of(), false).text());
  }

  @Test
  void chatTemplateJinjaTakesPrecedence(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"from config\"}");
    Files.writeString(dir.resolve("chat_template.jinja"), "from file\n");
    assertEquals("from file", ChatTemplate.load(dir).render(List.of(), false).text());
  }

  @Test
  void namedTemplatesUseDefaultUnlessNamed(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": [{\"name\": \"default\","
        + " \"template\": \"D\"}, {\"name\": \"tool_use\", \"template\": \"T\"}]}");
    assertEquals("D", ChatTemplate.load(dir).render(List.of(), false).text());
    assertEquals("T", ChatTemplate.load(dir, "tool_use").render(List.of(), false).text());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.load(dir, "rag"));
    assertTrue(e.getMessage().contains("no chat template named 'rag'; it has [default, tool_use]"), e.getMessage());
  }

  @Test
  void aFolderWithoutTemplateIsRefusedWithWhereItLooked(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.load(dir));
    assertTrue(e.getMessage().contains("chat_template.jinja"), e.getMessage());
  }

  @Test
  void givenVariablesOverrideTheDefaultsAndExtraKeywordsReachTheTemplate() {
    ChatTemplate t = ChatTemplate.of("{{ eos_token }}{{ enable_thinking is defined }}{{ enable_thinking }}",
        Map.of("eos_token", "<E>"));
    assertEquals("<X>TrueFalse", t.render(Map.of("messages", List.of(), "eos_token", "<X>", "enable_thinking",
        false)).text());
    assertEquals("<E>False", t.render(List.of(), false).text());
  }

  @Test
  void raiseExceptionReportsTheTemplatesMessage() {
    ChatTemplate t = ChatTemplate.of("{% if messages|length == 0 %}{{ raise_exception('No messages given') }}"
        + "{% endif %}", Map.of());
    TemplateException e = assertThrows(TemplateException.class, () -> t.render(List.of(), false));
    assertEquals(TemplateException.Kind.RAISED, e.kind());
    assertEquals("No messages given", e.getMessage());
  }

  @Test
  void anUnsupportedConstructNamesTheTemplateLine() {
    TemplateException e = assertThrows(TemplateException.class,
        () -> ChatTemplate.of("line 1\n{% if true %}\n  {% include 'other.jinja' %}\n{% endif %}", Map.of()));
    assertEquals(TemplateException.Kind.UNSUPPORTED, e.kind());
    assertEquals(3, e.line());
    assertTrue(e.getMessage().startsWith("template line 3: the tag 'include'"), e.getMessage());
    TemplateException f = assertThrows(TemplateException.class, () -> ChatTemplate.of("a\n\n{{ x | urlize }}",
        Map.of()).render(List.of(), false));
    assertEquals(3, f.line());
    assertEquals(TemplateException.Kind.UNSUPPORTED, f.kind());
  }

  @Test
  void generationMarkersAreDetected() {
    assertTrue(ChatTemplate.of("{% generation %}x{% endgeneration %}", Map.of()).hasGenerationMarkers());
    assertFalse(ChatTemplate.of("{{ add_generation_prompt }}", Map.of()).hasGenerationMarkers());
  }

  @Test
  void messagesAreRequired() {
    ChatTemplate t = ChatTemplate.of("x", Map.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("tools",
        List.of())));
    assertTrue(e.getMessage().contains("'messages'"), e.getMessage());
  }
}
