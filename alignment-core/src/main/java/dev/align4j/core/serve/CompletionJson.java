package dev.align4j.core.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.TokenLogprob;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON the server writes, field for field as OpenAI's API writes it (and as its SDKs parse it): the chat
 * completion, the model list and the error object.
 */
final class CompletionJson {
  /** OpenAI's stand-in for a log-prob of −∞ (JSON has no infinity). */
  static final double MIN_LOGPROB = -9999.0;

  static final ObjectMapper JSON = new ObjectMapper();

  private CompletionJson() {}

  /**
   * A {@code chat.completion} object with one choice.
   *
   * @param reply an answer or a refusal (a failure is an error, not a completion)
   */
  static ObjectNode completion(String id, long created, String model, ChatReply reply, CompletionCall call) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", id).put("object", "chat.completion").put("created", created).put("model", model);
    ObjectNode choice = o.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (reply instanceof ChatReply.Refusal r) {
      message.putNull("content");
      message.put("refusal", r.reason());
      choice.putNull("logprobs");
      choice.put("finish_reason", "stop");
      return o;
    }
    ChatReply.Answer a = (ChatReply.Answer) reply;
    message.put("content", a.text());
    message.putNull("refusal");
    if (call.logprobs()) {
      ObjectNode lp = choice.putObject("logprobs");
      ArrayNode content = lp.putArray("content");
      for (TokenLogprob t : a.logprobs()) {
        ObjectNode e = entry(content.addObject(), t.token(), t.logprob());
        ArrayNode top = e.putArray("top_logprobs");
        List<TokenLogprob.Alternative> alts = t.top();
        for (int k = 0; k < Math.min(call.alternatives(), alts.size()); k++) {
          entry(top.addObject(), alts.get(k).token(), alts.get(k).logprob());
        }
      }
      lp.putNull("refusal");
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", a.finishReason());
    // usage only when the model counted it: a made-up zero would be read as a count
    a.usage().ifPresent(u -> o.putObject("usage").put("prompt_tokens", u.promptTokens())
        .put("completion_tokens", u.completionTokens()).put("total_tokens", u.totalTokens()));
    return o;
  }

  private static ObjectNode entry(ObjectNode e, String token, double logprob) {
    e.put("token", token).put("logprob", Math.max(MIN_LOGPROB, logprob));
    ArrayNode bytes = e.putArray("bytes");
    for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
    return e;
  }

  /** The {@code GET /v1/models} list of the one served model. */
  static ObjectNode models(String name, long created) {
    ObjectNode o = JSON.createObjectNode().put("object", "list");
    model(o.putArray("data").addObject(), name, created);
    return o;
  }

  /** One model object, as {@code GET /v1/models/{name}} returns it. */
  static ObjectNode model(ObjectNode m, String name, long created) {
    return m.put("id", name).put("object", "model").put("created", created).put("owned_by", "align4j");
  }

  /** OpenAI's error body. */
  static ObjectNode error(ApiError e) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode err = o.putObject("error");
    err.put("message", e.getMessage()).put("type", e.type);
    if (e.param == null) {
      err.putNull("param");
    } else {
      err.put("param", e.param);
    }
    if (e.code == null) {
      err.putNull("code");
    } else {
      err.put("code", e.code);
    }
    return o;
  }
}
