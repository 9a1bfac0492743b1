package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.Reviser;
import dev.align4j.api.judge.RevisionStep;
import java.util.ArrayList;
import java.util.List;

/**
 * A reviser served by a chat model, as in Bai et al. 2022: after the constitution's few-shot dialogues and the
 * conversation so far, the principle's critique request is a user turn whose reply is the critique; then the revision
 * request (after the critique turns, or directly) is a user turn whose reply is the revised answer.
 */
public final class ChatReviser implements Reviser {
  private final ChatModel model;
  private final List<List<Message>> fewShot;
  private final ChatOptions options;

  /**
   * @param fewShot dialogues shown first (the constitution's)
   * @param options sampling of critiques and revisions
   */
  public ChatReviser(ChatModel model, List<List<Message>> fewShot, ChatOptions options) {
    this.model = checkNotNull(model, "model");
    this.fewShot = List.copyOf(checkNotNull(fewShot, "fewShot"));
    this.options = checkNotNull(options, "options");
  }

  @Override
  public String id() {
    return model.id();
  }

  @Override
  public List<ChatReply> critique(List<RevisionStep> steps) {
    return model.chat(steps.stream().map(s -> {
      List<Message> ms = start(s);
      ms.add(new Message("user", s.principle().critique().orElseThrow(() -> new IllegalArgumentException(
          "principle " + s.principle().id() + " has no critique request; revise directly instead"))));
      return new ChatRequest(ms, options);
    }).toList());
  }

  @Override
  public List<ChatReply> revise(List<RevisionStep> steps) {
    return model.chat(steps.stream().map(s -> {
      List<Message> ms = start(s);
      s.critique().ifPresent(c -> {
        ms.add(new Message("user", s.principle().critique().orElseThrow()));
        ms.add(new Message("assistant", c));
      });
      ms.add(new Message("user", s.principle().revision().orElseThrow()));
      return new ChatRequest(ms, options);
    }).toList());
  }

  private List<Message> start(RevisionStep s) {
    List<Message> ms = new ArrayList<>();
    fewShot.forEach(ms::addAll);
    ms.addAll(s.conversation());
    return ms;
  }
}
