package dev.align4j.core.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One {@code POST /v1/chat/completions} body read as OpenAI defines it, into the request for the chat model.
 *
 * <p>Read: {@code model}, {@code messages} (content a string or an array of {@code {"type": "text", "text"}} parts,
 * joined with newlines as vLLM joins them), {@code temperature} (default 1, as OpenAI's), {@code top_p} (default 1),
 * {@code max_completion_tokens} or the older {@code max_tokens} (the former wins; default the server's),
 * {@code stop} (a string or up to 4), {@code seed}, {@code logprobs}, {@code top_logprobs} and {@code n} (1 only).
 * Refused with 400, because ignoring them would change the answer: {@code stream: true}, {@code tools},
 * {@code functions}, a {@code response_format} other than text, non-zero penalties and a {@code logit_bias}. Other
 * fields ({@code user}, {@code metadata}, {@code store}, …) do not change the reply and are ignored.
 *
 * @param model the requested model name
 * @param request the chat request
 * @param logprobs whether the response carries log-probs
 * @param alternatives how many alternatives each log-prob entry lists: {@code top_logprobs}, which may be 0 while
 *     {@code logprobs} is true (the model is then asked for one, so that the chosen tokens' log-probs come back)
 */
record CompletionCall(String model, ChatRequest request, boolean logprobs, int alternatives) {
  private static final Map<String, String> REFUSED_WHEN_SET = Map.of(
      "tools", "tool calls are not supported",
      "functions", "function calls are not supported",
      "logit_bias", "logit_bias is not supported");

  /**
   * @param defaultMaxTokens max_tokens when the body gives none
   * @param maxTokensLimit the most tokens a request may ask for
   * @throws ApiError 400 naming the field and its value
   */
  static CompletionCall parse(JsonNode body, int defaultMaxTokens, int maxTokensLimit) throws ApiError {
    if (body == null || !body.isObject()) {
      throw ApiError.badRequest(null, "the request body must be a JSON object, got " + kind(body));
    }
    JsonNode model = present(body, "model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw ApiError.badRequest("model", "model is required: the served model's name (GET /v1/models), got "
          + show(model));
    }
    refuseUnsupported(body);
    List<Message> messages = messages(body);
    double temperature = number(body, "temperature", 0, 2, false, 1.0);
    double topP = number(body, "top_p", 0, 1, true, 1.0);
    int maxTokens = present(body, "max_completion_tokens") != null
        ? positiveInt(body, "max_completion_tokens")
        : present(body, "max_tokens") != null ? positiveInt(body, "max_tokens") : defaultMaxTokens;
    if (maxTokens > maxTokensLimit) {
      throw ApiError.badRequest(present(body, "max_completion_tokens") != null ? "max_completion_tokens"
          : "max_tokens", "at most " + maxTokensLimit + " tokens per request on this server, got " + maxTokens);
    }
    List<String> stop = stop(body);
    OptionalLong seed = OptionalLong.empty();
    JsonNode s = present(body, "seed");
    if (s != null) {
      if (!s.isIntegralNumber() || !s.canConvertToLong()) {
        throw ApiError.badRequest("seed", "seed must be an integer, got " + show(s));
      }
      seed = OptionalLong.of(s.asLong());
    }
    JsonNode lp = present(body, "logprobs");
    if (lp != null && !lp.isBoolean()) {
      throw ApiError.badRequest("logprobs", "logprobs must be true or false, got " + show(lp));
    }
    boolean logprobs = lp != null && lp.asBoolean();
    int top = 0;
    JsonNode t = present(body, "top_logprobs");
    if (t != null) {
      if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() < 0 || t.asInt() > 20) {
        throw ApiError.badRequest("top_logprobs", "top_logprobs must be an integer in [0, 20], got " + show(t));
      }
      top = t.asInt();
      if (top > 0 && !logprobs) {
        throw ApiError.badRequest("top_logprobs", "top_logprobs " + top + " needs \"logprobs\": true");
      }
    }
    ChatOptions options;
    try {
      options = new ChatOptions(temperature, topP, maxTokens, stop, seed, logprobs ? Math.max(1, top) : 0);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(null, e.getMessage());
    }
    return new CompletionCall(model.asText(), new ChatRequest(messages, options), logprobs, top);
  }

  private static void refuseUnsupported(JsonNode body) throws ApiError {
    JsonNode n = present(body, "n");
    if (n != null && !(n.isIntegralNumber() && n.asLong() == 1)) {
      throw ApiError.badRequest("n", "n must be 1 (this server returns one choice per request), got " + show(n));
    }
    JsonNode stream = present(body, "stream");
    if (stream != null && !(stream.isBoolean() && !stream.asBoolean())) {
      throw ApiError.badRequest("stream", "streaming is not supported: send \"stream\": false or leave it out, got "
          + show(stream));
    }
    for (Map.Entry<String, String> e : REFUSED_WHEN_SET.entrySet()) {
      JsonNode v = present(body, e.getKey());
      if (v != null && !(v.isContainerNode() && v.isEmpty())) {
        throw ApiError.badRequest(e.getKey(), e.getValue() + ", got " + show(v));
      }
    }
    JsonNode format = present(body, "response_format");
    if (format != null && !format.path("type").asText("").equals("text")) {
      throw ApiError.badRequest("response_format", "only {\"type\": \"text\"} is supported, got " + show(format));
    }
    for (String penalty : List.of("frequency_penalty", "presence_penalty")) {
      JsonNode p = present(body, penalty);
      if (p != null && !(p.isNumber() && p.asDouble() == 0)) {
        throw ApiError.badRequest(penalty, penalty + " is not supported (only 0), got " + show(p));
      }
    }
  }

  private static List<Message> messages(JsonNode body) throws ApiError {
    JsonNode ms = present(body, "messages");
    if (ms == null || !ms.isArray() || ms.isEmpty()) {
      throw ApiError.badRequest("messages", "messages is required: a non-empty array of {\"role\", \"content\"},"
          + " got " + show(ms));
    }
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      JsonNode m = ms.get(i);
      String at = "messages[" + i + "]";
      if (!m.isObject()) {
        throw ApiError.badRequest(at, at + " must be an object {\"role\", \"content\"}, got " + show(m));
      }
      JsonNode role = present(m, "role");
      if (role == null || !role.isTextual() || role.asText().isBlank()) {
        throw ApiError.badRequest(at + ".role", at + ".role must be a non-empty string, got " + show(role));
      }
      out.add(new Message(role.asText(), content(present(m, "content"), at + ".content")));
    }
    return out;
  }

  private static String content(JsonNode c, String at) throws ApiError {
    if (c != null && c.isTextual()) {
      return c.asText();
    }
    if (c == null || !c.isArray()) {
      throw ApiError.badRequest(at, at + " must be a string or an array of text parts (tool calls are not"
          + " supported), got " + show(c));
    }
    List<String> texts = new ArrayList<>();
    for (int j = 0; j < c.size(); j++) {
      JsonNode part = c.get(j);
      String p = at + "[" + j + "]";
      if (!part.isObject() || !part.path("type").asText("").equals("text")) {
        throw ApiError.badRequest(p + ".type", p + " must be {\"type\": \"text\", \"text\": ...} (only text is"
            + " supported), got type " + show(part.get("type")));
      }
      if (!part.path("text").isTextual()) {
        throw ApiError.badRequest(p + ".text", p + ".text must be a string, got " + show(part.get("text")));
      }
      texts.add(part.get("text").asText());
    }
    return String.join("\n", texts);
  }

  private static List<String> stop(JsonNode body) throws ApiError {
    JsonNode s = present(body, "stop");
    if (s == null) {
      return List.of();
    }
    List<JsonNode> items = new ArrayList<>();
    if (s.isArray()) {
      s.forEach(items::add);
    } else {
      items.add(s);
    }
    if (items.size() > 4) {
      throw ApiError.badRequest("stop", "stop holds at most 4 texts, got " + items.size());
    }
    List<String> out = new ArrayList<>();
    for (JsonNode x : items) {
      if (!x.isTextual() || x.asText().isEmpty()) {
        throw ApiError.badRequest("stop", "stop must be a non-empty string or an array of them, got " + show(s));
      }
      out.add(x.asText());
    }
    return out;
  }

  /** A number in [lo, hi] (or (lo, hi] when {@code openBelow}); NaN never passes. */
  private static double number(JsonNode body, String field, double lo, double hi, boolean openBelow,
      double otherwise) throws ApiError {
    JsonNode v = present(body, field);
    if (v == null) {
      return otherwise;
    }
    double x = v.isNumber() ? v.asDouble() : Double.NaN;
    boolean ok = (openBelow ? x > lo : x >= lo) && x <= hi;
    if (!ok) {
      throw ApiError.badRequest(field, field + " must be a number in " + (openBelow ? "(" : "[") + fmt(lo) + ", "
          + fmt(hi) + "], got " + show(v));
    }
    return x;
  }

  private static int positiveInt(JsonNode body, String field) throws ApiError {
    JsonNode v = present(body, field);
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      throw ApiError.badRequest(field, field + " must be an integer >= 1, got " + show(v));
    }
    return v.asInt();
  }

  /** The field, or null when it is absent or JSON null (OpenAI treats both as "not given"). */
  private static JsonNode present(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private static String show(JsonNode v) {
    if (v == null) {
      return "nothing";
    }
    String s = v.toString();
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  private static String kind(JsonNode v) {
    return v == null || v.isMissingNode() ? "nothing" : v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String fmt(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }
}
