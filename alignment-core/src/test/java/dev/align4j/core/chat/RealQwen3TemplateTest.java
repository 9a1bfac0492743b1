package dev.align4j.core.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.chat.jinja.Rendered.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The published Qwen3 tokenizer files (licensed, kept out of the repository) when {@code ../shared/models} or
 * {@code -Dalign4j.realQwen3=DIR} has them: every conversation of {@code chat_templates.json} renders byte for byte
 * and tokenises to the same ids; the assistant mask on the real tokenizer covers assistant text only. Skipped (by
 * assumption, with the reason) where the files are absent. {@code scripts/check-real-templates.sh} runs the same
 * check through the command line.
 */
class RealQwen3TemplateTest {
  private static Path folder() {
    String p = System.getProperty("align4j.realQwen3");
    Path dir = p != null ? Path.of(p) : Path.of("..", "..", "shared", "models", "real-qwen3-tokenizer");
    assumeTrue(Files.isRegularFile(dir.resolve("chat_templates.json")) && Files.isRegularFile(dir.resolve(
        "tokenizer.json")), "real Qwen3 tokenizer files not present at " + dir.toAbsolutePath());
    return dir;
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyConversationRendersAndTokenisesExactly() throws Exception {
    Path dir = folder();
    ObjectMapper json = new ObjectMapper();
    JsonNode golden = json.readTree(dir.resolve("chat_templates.json").toFile());
    ChatTemplate template = ChatTemplate.load(dir);
    int checked = 0;
    try (ChatTokenizer tok = ChatTokenizer.open(dir)) {
      for (JsonNode c : golden.get("conversations")) {
        Map<String, Object> vars = (Map<String, Object>) JsonValues.toValue(c.get("template_variables"));
        String text = template.render(vars).text();
        assertEquals(c.get("rendered").asText(), text, c.get("name").asText());
        assertArrayEquals(json.convertValue(c.get("input_ids"), long[].class), tok.encode(text).ids(),
            c.get("name").asText());
        checked++;
      }
    }
    assertEquals(5, checked);
  }

  @Test
  void tokenMaskOnTheRealTokenizerCoversAssistantTextOnly() throws Exception {
    Path dir = folder();
    AssistantSpans.Result r = AssistantSpans.find(AssistantSpansTest.template("qwen3-like-generation.jinja"),
        AssistantSpansTest.vars(AssistantSpansTest.CONVERSATION));
    String text = r.rendered().text();
    try (ChatTokenizer tok = ChatTokenizer.open(dir)) {
      ChatTokenizer.Encoded e = tok.encode(text);
      int[] mask = AssistantSpans.tokenMask(r.spans(), e.starts(), e.ends());
      StringBuilder masked = new StringBuilder();
      for (int t = 0; t < mask.length; t++) {
        if (mask[t] == 1) {
          masked.append(text, e.starts()[t], e.ends()[t]);
        }
      }
      StringBuilder expected = new StringBuilder();
      for (Span s : r.spans()) {
        expected.append(text, s.start(), s.end());
      }
      // Qwen3's tokens never straddle a turn boundary, so the masked tokens spell exactly the assistant text
      assertEquals(expected.toString(), masked.toString());
      assertTrue(List.of(text.split("<\\|im_start\\|>user")).size() > 2);
    }
  }
}
