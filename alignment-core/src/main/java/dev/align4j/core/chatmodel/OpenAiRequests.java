package dev.align4j.core.chatmodel;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatRequest;
import java.util.List;
import java.util.Set;

/** Turns a {@link ChatRequest} into the SDK's {@code /v1/chat/completions} parameters. */
final class OpenAiRequests {
  /** The roles OpenAI's chat API has a message type for (tool messages need a tool call id, which we never have). */
  static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

  private OpenAiRequests() {}

  /**
   * Checks that every message of every request has a role the API takes, before any call is made: a caller's
   * mistake should stop the batch at once, not come back as a thousand failures.
   *
   * @throws IllegalArgumentException naming the request, the message and the role
   */
  static void checkRoles(List<ChatRequest> requests) {
    for (int i = 0; i < requests.size(); i++) {
      List<Message> ms = requests.get(i).messages();
      for (int k = 0; k < ms.size(); k++) {
        String role = ms.get(k).role();
        if (!ROLES.contains(role)) {
          throw new IllegalArgumentException("request " + i + ", message " + k + ": role '" + role + "' has no"
              + " OpenAI chat message type; use one of " + ROLES.stream().sorted().toList());
        }
      }
    }
  }

  /**
   * The parameters of one call: the messages, and the options under OpenAI's names. {@code logprobs} and
   * {@code top_logprobs} are sent only when log-probs are asked for, since some servers reject {@code top_logprobs}
   * without {@code logprobs: true}.
   */
  // max_tokens and seed are deprecated by OpenAI (for max_completion_tokens, and as a beta feature) but are the
  // fields that OpenAI-compatible servers (vLLM, llama.cpp, Ollama, TGI) read, and that OpenAI still honours for
  // models that return log-probs; max_completion_tokens is ignored by some of those servers, which would then
  // generate without limit.
  @SuppressWarnings("deprecation")
  static ChatCompletionCreateParams params(String model, ChatRequest request) {
    ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(model);
    for (Message m : request.messages()) {
      switch (m.role()) {
        case "system" -> b.addSystemMessage(m.content());
        case "developer" -> b.addDeveloperMessage(m.content());
        case "user" -> b.addUserMessage(m.content());
        case "assistant" -> b.addAssistantMessage(m.content());
        default -> throw new IllegalArgumentException("role '" + m.role() + "' has no OpenAI chat message type");
      }
    }
    ChatOptions o = request.options();
    b.temperature(o.temperature()).topP(o.topP()).maxTokens((long) o.maxTokens());
    if (!o.stop().isEmpty()) {
      b.stopOfStrings(o.stop());
    }
    o.seed().ifPresent(s -> b.seed(s));
    if (o.topLogprobs() > 0) {
      b.logprobs(true).topLogprobs((long) o.topLogprobs());
    }
    return b.build();
  }
}
