package dev.align4j.core.chat;

import dev.align4j.api.data.Message;
import dev.align4j.core.chat.jinja.Rendered;
import dev.align4j.api.data.TokenizedSequence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chat data through a model's chat template, tokenized as {@code apply_chat_template(tokenize=True)} does, with the
 * assistant text as the loss target ({@link AssistantSpans}).
 *
 * <p>Prompt-completion conversations follow TRL: the prompt is rendered with the generation prompt, the whole
 * exchange without it, and the completion is what the whole adds after the prompt (a template that rewrites the
 * prompt when a completion follows is refused).
 */
public final class TemplateChatRendering implements ChatRendering, AutoCloseable {
  private final ChatTemplate template;
  private final ChatTokenizer tokenizer;

  public TemplateChatRendering(ChatTemplate template, ChatTokenizer tokenizer) {
    this.template = template;
    this.tokenizer = tokenizer;
  }

  /** The rendering of a folder that has a chat template, or empty when it has none. */
  public static Optional<TemplateChatRendering> forFolder(Path folder) throws IOException {
    if (!hasTemplate(folder)) {
      return Optional.empty();
    }
    return Optional.of(new TemplateChatRendering(ChatTemplate.load(folder), ChatTokenizer.open(folder)));
  }

  /**
   * Whether a folder has a chat template ({@code chat_template.jinja}, or {@code chat_template} in
   * {@code tokenizer_config.json}), checked without loading it.
   */
  public static boolean hasTemplate(Path folder) throws IOException {
    return Files.isRegularFile(folder.resolve("chat_template.jinja"))
        || (Files.isRegularFile(folder.resolve("tokenizer_config.json"))
            && Files.readString(folder.resolve("tokenizer_config.json")).contains("\"chat_template\""));
  }

  @Override
  public TokenizedSequence conversation(List<Message> messages) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("messages", maps(messages));
    AssistantSpans.Result r = AssistantSpans.find(template, vars);
    ChatTokenizer.Encoded e = tokenizer.encode(r.rendered().text());
    int[] mask = AssistantSpans.tokenMask(r.spans(), e.starts(), e.ends());
    return sequence(e, mask);
  }

  @Override
  public TokenizedSequence promptCompletion(List<Message> prompt, List<Message> completion) {
    String promptText = template.render(maps(prompt), true).text();
    List<Message> all = new ArrayList<>(prompt);
    all.addAll(completion);
    String full = template.render(maps(all), false).text();
    if (!full.startsWith(promptText)) {
      throw new IllegalArgumentException("the chat template renders the prompt differently when a completion"
          + " follows, so the completion cannot be separated from it; use {\"messages\": [...]} data with a template"
          + " that has {% generation %} markers");
    }
    ChatTokenizer.Encoded e = tokenizer.encode(full);
    int[] mask = AssistantSpans.tokenMask(List.of(new Rendered.Span(promptText.length(), full.length())), e.starts(),
        e.ends());
    return sequence(e, mask);
  }

  @Override
  public int[] prompt(List<Message> prompt) {
    long[] ids = tokenizer.encode(template.render(maps(prompt), true).text()).ids();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  private static TokenizedSequence sequence(ChatTokenizer.Encoded e, int[] mask) {
    int[] ids = new int[e.ids().length];
    boolean[] target = new boolean[ids.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (int) e.ids()[i];
      target[i] = mask[i] == 1;
    }
    return new TokenizedSequence(ids, target);
  }

  private static List<Map<String, Object>> maps(List<Message> messages) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", m.role());
      map.put("content", m.content());
      out.add(map);
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
