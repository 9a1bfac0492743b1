package dev.align4j.core.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.chat.jinja.Rendered.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SFT's mask: assistant text only, on a ChatML template (prefixes) and a Qwen3-style template (markers). */
class AssistantSpansTest {
  static final List<Map<String, Object>> CONVERSATION = List.of(
      message("system", "Be brief."),
      message("user", "Is 91 prime?"),
      message("assistant", "<think>\n91 = 7 * 13\n</think>\n\nNo, 91 = 7 × 13."),
      message("user", "And 97?"),
      message("assistant", "Yes, 97 is prime."));

  static Map<String, Object> message(String role, String content) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("content", content);
    return m;
  }

  static ChatTemplate template(String file) throws Exception {
    try (var in = AssistantSpansTest.class.getResourceAsStream("/chat/templates/" + file)) {
      return ChatTemplate.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.of("eos_token", "</s>"));
    }
  }

  static List<String> texts(AssistantSpans.Result r) {
    List<String> out = new ArrayList<>();
    for (Span s : r.spans()) {
      out.add(r.rendered().text().substring(s.start(), s.end()));
    }
    return out;
  }

  static Map<String, Object> vars(List<?> messages) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("messages", messages);
    return v;
  }

  @Test
  void prefixRendersMaskEachAssistantTurnOfAChatMlTemplate() throws Exception {
    AssistantSpans.Result r = AssistantSpans.find(template("chatml.jinja"), vars(CONVERSATION));
    assertEquals(AssistantSpans.Strategy.PREFIXES, r.strategy());
    assertEquals(List.of("<think>\n91 = 7 * 13\n</think>\n\nNo, 91 = 7 × 13.<|im_end|>\n",
        "Yes, 97 is prime.<|im_end|>\n"), texts(r));
    assertPromptOutsideSpans(r);
  }

  @Test
  void generationMarkersMaskAssistantTurnsOfAQwen3StyleTemplate() throws Exception {
    AssistantSpans.Result r = AssistantSpans.find(template("qwen3-like-generation.jinja"), vars(CONVERSATION));
    assertEquals(AssistantSpans.Strategy.GENERATION_MARKERS, r.strategy());
    // the earlier turn lost its thinking block (it precedes the last user query); the last one keeps an empty one
    assertEquals(List.of("No, 91 = 7 × 13.<|im_end|>\n", "<think>\n\n</think>\n\nYes, 97 is prime.<|im_end|>\n"),
        texts(r));
    assertPromptOutsideSpans(r);
  }

  @Test
  void aTemplateThatRewritesHistoryIsRefusedNotMaskedWrongly() throws Exception {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AssistantSpans.find(template("qwen3-like.jinja"), vars(CONVERSATION)));
    assertTrue(e.getMessage().contains("not prefix-stable at messages[2]"), e.getMessage());
    assertTrue(e.getMessage().contains("{% generation %}"), e.getMessage());
    // a single final assistant turn is fine: the prompt is a prefix of the whole conversation
    AssistantSpans.Result one = AssistantSpans.find(template("qwen3-like.jinja"), vars(CONVERSATION.subList(0, 3)));
    assertEquals(List.of("<think>\n91 = 7 * 13\n</think>\n\nNo, 91 = 7 × 13.<|im_end|>\n"), texts(one));
  }

  private static void assertPromptOutsideSpans(AssistantSpans.Result r) {
    String text = r.rendered().text();
    for (Map<String, Object> m : CONVERSATION) {
      if (!m.get("role").equals("assistant")) {
        int at = text.indexOf((String) m.get("content"));
        assertTrue(at >= 0);
        for (Span s : r.spans()) {
          assertFalse(at < s.end() && at + ((String) m.get("content")).length() > s.start(),
              m.get("role") + " text inside an assistant span");
        }
      }
    }
  }

  @Test
  void tokenMaskMarksTokensThatOverlapASpan() {
    int[] starts = {0, 3, 5, 9, 12};
    int[] ends = {3, 5, 9, 12, 14};
    assertArrayEquals(new int[] {0, 1, 1, 0, 1}, AssistantSpans.tokenMask(List.of(new Span(4, 6), new Span(12, 13)),
        starts, ends));
  }
}
