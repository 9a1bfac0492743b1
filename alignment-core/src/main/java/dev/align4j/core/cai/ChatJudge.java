package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.Comparison;
import dev.align4j.api.judge.Judge;
import dev.align4j.api.judge.Judgement;
import dev.align4j.api.judge.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A judge served by a chat model (a local checkpoint or an OpenAI-compatible endpoint): each comparison becomes the
 * {@link ComparisonTemplate}'s multiple-choice question as a user turn, and the answer is read from the
 * probabilities of the reply's first token ({@link OptionProbabilities}), one greedy token with its top
 * alternatives. With chain of thought the model first reasons (a generated reply), then is asked for the letter.
 *
 * <p>Nothing becomes a side unless the options' probabilities were read: a reply without log-probs, or whose first
 * token has neither option among its alternatives, is {@link Outcome.Invalid}; a refusal is {@link Outcome.Refused};
 * a failed call is {@link Outcome.Failed}.
 */
public final class ChatJudge implements Judge {
  /** How many alternatives of the first token are asked for: OpenAI's maximum. */
  public static final int DEFAULT_TOP_LOGPROBS = 20;

  private final ChatModel model;
  private final ComparisonTemplate template;
  private final int topLogprobs;
  private final ChatOptions reasoning;

  /**
   * @param topLogprobs alternatives of the first token to read the options from, 1 to 20
   * @param reasoning how the chain-of-thought reply is sampled
   */
  public ChatJudge(ChatModel model, ComparisonTemplate template, int topLogprobs, ChatOptions reasoning) {
    this.model = checkNotNull(model, "model");
    this.template = checkNotNull(template, "template");
    checkArgument(topLogprobs >= 1 && topLogprobs <= 20, "topLogprobs must be in [1, 20], got %s", topLogprobs);
    this.topLogprobs = topLogprobs;
    this.reasoning = checkNotNull(reasoning, "reasoning");
  }

  /** The paper's question, 20 alternatives, greedy reasoning of up to 256 tokens. */
  public static ChatJudge of(ChatModel model) {
    return new ChatJudge(model, ComparisonTemplate.defaults(), DEFAULT_TOP_LOGPROBS, ChatOptions.greedy(256));
  }

  public ComparisonTemplate template() {
    return template;
  }

  @Override
  public String id() {
    return model.id() + " template " + template.sha256().substring(0, 12);
  }

  @Override
  public List<Judgement> judge(List<Comparison> questions) {
    Judgement[] out = new Judgement[questions.size()];
    List<List<Message>> conversations = new ArrayList<>();
    List<String> thoughts = new ArrayList<>();
    List<Integer> asked = new ArrayList<>();
    // chain of thought: one generated reply first; its text becomes an assistant turn before the letter is asked
    List<Integer> reasoningIdx = new ArrayList<>();
    List<ChatRequest> reasoningRequests = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      if (questions.get(i).chainOfThought()) {
        reasoningIdx.add(i);
        reasoningRequests.add(new ChatRequest(List.of(new Message("user", template.render(questions.get(i)))),
            reasoning));
      }
    }
    List<ChatReply> reasoned = reasoningRequests.isEmpty() ? List.of() : model.chat(reasoningRequests);
    int r = 0;
    for (int i = 0; i < questions.size(); i++) {
      Comparison q = questions.get(i);
      String user = template.render(q);
      if (!q.chainOfThought()) {
        conversations.add(List.of(new Message("user", user)));
        thoughts.add("");
        asked.add(i);
        continue;
      }
      ChatReply thought = reasoned.get(r++);
      if (thought instanceof ChatReply.Answer a) {
        conversations.add(List.of(new Message("user", user), new Message("assistant", a.text()),
            new Message("user", template.afterThought())));
        thoughts.add(a.text());
        asked.add(i);
      } else {
        out[i] = new Judgement(outcomeOf(thought), "");
      }
    }
    List<ChatRequest> requests = conversations.stream()
        .map(c -> new ChatRequest(c, ChatOptions.firstToken(topLogprobs))).toList();
    List<ChatReply> replies = requests.isEmpty() ? List.of() : model.chat(requests);
    for (int k = 0; k < asked.size(); k++) {
      out[asked.get(k)] = read(replies.get(k), thoughts.get(k));
    }
    return List.of(out);
  }

  private static Judgement read(ChatReply reply, String thought) {
    if (!(reply instanceof ChatReply.Answer a)) {
      return new Judgement(outcomeOf(reply), thought);
    }
    String raw = (thought.isEmpty() ? "" : thought + "\n") + a.text();
    if (a.logprobs().isEmpty()) {
      return new Judgement(new Outcome.Invalid("the reply carries no log-probs (the judge needs logprobs with"
          + " top_logprobs; does the endpoint support them?)"), raw);
    }
    Optional<OptionProbabilities> p = OptionProbabilities.read(a.logprobs());
    if (p.isEmpty()) {
      return new Judgement(new Outcome.Invalid("neither option A nor B is among the first token's alternatives: "
          + OptionProbabilities.describe(a.logprobs())), raw);
    }
    return new Judgement(new Outcome.Preferred(p.get().pFirst()), raw + String.format(Locale.ROOT,
        " [P(A) %.6g, P(B) %.6g]", p.get().a(), p.get().b()));
  }

  private static Outcome outcomeOf(ChatReply reply) {
    if (reply instanceof ChatReply.Refusal f) {
      return new Outcome.Refused(f.reason());
    }
    if (reply instanceof ChatReply.Failure f) {
      return new Outcome.Failed(f.error());
    }
    throw new IllegalStateException("an answer is no failure: " + reply);
  }
}
