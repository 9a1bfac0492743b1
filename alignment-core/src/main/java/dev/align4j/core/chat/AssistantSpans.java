package dev.align4j.core.chat;

import static com.google.common.base.Preconditions.checkArgument;

import dev.align4j.core.chat.jinja.Rendered;
import dev.align4j.core.chat.jinja.Rendered.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a rendered conversation that the model must learn to write (SFT's loss mask): every other character,
 * the system prompt, user and tool turns and the template's scaffolding, is prompt.
 *
 * <p>Two strategies, as in TRL: a template with {@code {% generation %}} markers reports its spans itself
 * (transformers' {@code return_assistant_tokens_mask}); for any other template, assistant turn {@code i} is the text
 * that {@code messages[:i+1]} adds to the prompt {@code messages[:i]} with the generation prompt, which requires both
 * renders to be prefixes of the whole conversation. Templates that rewrite history (Qwen3 drops earlier thinking
 * blocks) break that requirement; they are refused with the turn named, never masked wrongly.
 */
public final class AssistantSpans {
  /** How the spans were found. */
  public enum Strategy {
    /** {@code {% generation %}} blocks in the template. */
    GENERATION_MARKERS,
    /** Rendering growing prefixes of the conversation. */
    PREFIXES
  }

  /**
   * The result.
   *
   * @param rendered the full conversation as rendered with the caller's variables
   * @param spans assistant spans in {@code rendered.text()} (char offsets, half-open, in order)
   * @param strategy how they were found
   */
  public record Result(Rendered rendered, List<Span> spans, Strategy strategy) {
    public Result {
      spans = List.copyOf(spans);
    }
  }

  private AssistantSpans() {}

  /**
   * Renders {@code variables} (which must hold {@code messages}) and finds the assistant spans.
   *
   * @throws IllegalStateException when the template is not prefix-stable and has no generation markers
   */
  public static Result find(ChatTemplate template, Map<String, ?> variables) {
    Rendered full = template.render(variables);
    if (template.hasGenerationMarkers()) {
      return new Result(full, full.generationSpans(), Strategy.GENERATION_MARKERS);
    }
    List<?> messages = (List<?>) variables.get("messages");
    List<Span> spans = new ArrayList<>();
    String text = full.text();
    for (int i = 0; i < messages.size(); i++) {
      Object m = messages.get(i);
      checkArgument(m instanceof Map, "messages[%s] must be an object with role and content, got %s", i, m);
      if (!"assistant".equals(((Map<?, ?>) m).get("role"))) {
        continue;
      }
      String prompt = renderPrefix(template, variables, messages.subList(0, i), true);
      String upto = renderPrefix(template, variables, messages.subList(0, i + 1), false);
      if (!text.startsWith(prompt) || !upto.startsWith(prompt) || !text.startsWith(upto)) {
        String which = !text.startsWith(prompt) ? prompt : upto;
        throw new IllegalStateException("the chat template is not prefix-stable at messages[" + i + "] (assistant):"
            + " rendering the first " + (which == prompt ? i + " messages with the generation prompt" : (i + 1)
            + " messages") + " differs from the whole conversation at character " + firstDifference(which, text)
            + ". Such templates rewrite earlier turns (Qwen3 drops earlier thinking blocks); mark the assistant text"
            + " with {% generation %}...{% endgeneration %} (as TRL's training templates do) to get exact masks");
      }
      if (upto.length() > prompt.length()) {
        spans.add(new Span(prompt.length(), upto.length()));
      }
    }
    return new Result(full, spans, Strategy.PREFIXES);
  }

  private static String renderPrefix(ChatTemplate t, Map<String, ?> variables, List<?> messages, boolean genPrompt) {
    Map<String, Object> v = new LinkedHashMap<>(variables);
    v.put("messages", messages);
    v.put("add_generation_prompt", genPrompt);
    return t.render(v).text();
  }

  private static int firstDifference(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return i;
      }
    }
    return n;
  }

  /**
   * Token-level mask: 1 for a token whose characters overlap an assistant span (transformers marks the tokens from
   * {@code char_to_token(start)} to {@code char_to_token(end - 1)}, the same set).
   *
   * @param spans character spans
   * @param tokenStarts start char offset of each token
   * @param tokenEnds end char offset (exclusive) of each token
   */
  public static int[] tokenMask(List<Span> spans, int[] tokenStarts, int[] tokenEnds) {
    checkArgument(tokenStarts.length == tokenEnds.length, "tokenStarts and tokenEnds differ in length: %s vs %s",
        tokenStarts.length, tokenEnds.length);
    int[] mask = new int[tokenStarts.length];
    for (int t = 0; t < mask.length; t++) {
      for (Span s : spans) {
        if (tokenStarts[t] < s.end() && tokenEnds[t] > s.start()) {
          mask[t] = 1;
          break;
        }
      }
    }
    return mask;
  }
}
