package dev.align4j.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.TokenLogprob;
import dev.align4j.core.AlignModel;
import dev.align4j.core.chatmodel.LocalChatModel;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server over tiny-llama's {@link LocalChatModel}, called over loopback with the JDK's HTTP client: the JSON
 * matches OpenAI's field for field, replies are the local model's own, and errors name the field at fault.
 */
class ChatCompletionsServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static AlignModel model;
  private static LocalChatModel chat;
  private static ChatCompletionsServer server;
  private static HttpClient http;

  private record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  @BeforeAll
  static void start() throws Exception {
    model = AlignModel.load(Path.of(ChatCompletionsServerTest.class.getResource("/models/tiny-llama").toURI()));
    chat = LocalChatModel.of(model, "tiny-llama");
    server = ChatCompletionsServer.builder(chat).port(0).modelName("tiny").defaultMaxTokens(7).build();
    server.start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    server.stop();
    chat.close();
    model.close();
  }

  private static Reply send(ChatCompletionsServer s, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(r.statusCode(), JSON.readTree(r.body()), r);
  }

  private static Reply post(String body) throws Exception {
    return send(server, "POST", "/chat/completions", body);
  }

  private static Set<String> keys(JsonNode o) {
    Set<String> k = new TreeSet<>();
    for (Iterator<String> i = o.fieldNames(); i.hasNext();) {
      k.add(i.next());
    }
    return k;
  }

  private static ChatReply.Answer local(List<Message> messages, ChatOptions options) {
    return assertInstanceOf(ChatReply.Answer.class, chat.chat(List.of(new ChatRequest(messages, options))).get(0));
  }

  @Test
  void modelsListsTheServedModel() throws Exception {
    Reply r = send(server, "GET", "/models", null);
    assertEquals(200, r.status());
    assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElse(""));
    assertEquals(Set.of("object", "data"), keys(r.body()));
    assertEquals("list", r.body().get("object").asText());
    assertEquals(1, r.body().get("data").size());
    JsonNode m = r.body().get("data").get(0);
    assertEquals(Set.of("id", "object", "created", "owned_by"), keys(m));
    assertEquals("tiny", m.get("id").asText());
    assertEquals("model", m.get("object").asText());
    assertEquals("align4j", m.get("owned_by").asText());
    assertTrue(m.get("created").isIntegralNumber() && Math.abs(m.get("created").asLong()
        - System.currentTimeMillis() / 1000) < 3600, m.toString());
    assertEquals(m, send(server, "GET", "/models/tiny", null).body());
    assertError(send(server, "GET", "/models/gpt-4o", null), 404, "model", "gpt-4o");
  }

  @Test
  void aCompletionWithLogprobsIsTheLocalModelsReplyExactly() throws Exception {
    Reply r = post("""
        {"model": "tiny", "messages": [{"role": "system", "content": "be brief"},
          {"role": "user", "content": [{"type": "text", "text": "the cat"}, {"type": "text", "text": "sat on"}]}],
         "temperature": 0.7, "top_p": 0.9, "max_tokens": 40, "max_completion_tokens": 9, "seed": 5,
         "logprobs": true, "top_logprobs": 3, "n": 1, "stream": false, "user": "ignored"}""");
    assertEquals(200, r.status(), r.body().toString());
    ChatReply.Answer a = local(List.of(new Message("system", "be brief"), new Message("user", "the cat\nsat on")),
        new ChatOptions(0.7, 0.9, 9, List.of(), OptionalLong.of(5), 3));
    JsonNode c = r.body();
    assertEquals(Set.of("id", "object", "created", "model", "choices", "usage"), keys(c));
    assertTrue(c.get("id").asText().startsWith("chatcmpl-"), c.get("id").asText());
    assertEquals("chat.completion", c.get("object").asText());
    assertTrue(Math.abs(c.get("created").asLong() - System.currentTimeMillis() / 1000) < 60);
    assertEquals("tiny", c.get("model").asText());
    assertEquals(1, c.get("choices").size());
    JsonNode choice = c.get("choices").get(0);
    assertEquals(Set.of("index", "message", "logprobs", "finish_reason"), keys(choice));
    assertEquals(0, choice.get("index").asInt());
    assertEquals(Set.of("role", "content", "refusal"), keys(choice.get("message")));
    assertEquals("assistant", choice.get("message").get("role").asText());
    assertEquals(a.text(), choice.get("message").get("content").asText());
    assertTrue(choice.get("message").get("refusal").isNull());
    assertEquals(a.finishReason(), choice.get("finish_reason").asText());
    JsonNode content = choice.get("logprobs").get("content");
    assertTrue(choice.get("logprobs").get("refusal").isNull());
    assertEquals(a.logprobs().size(), content.size());
    for (int t = 0; t < a.logprobs().size(); t++) {
      TokenLogprob expected = a.logprobs().get(t);
      JsonNode e = content.get(t);
      assertEntry(expected.token(), expected.logprob(), e);
      assertEquals(Set.of("token", "logprob", "bytes", "top_logprobs"), keys(e));
      assertEquals(3, e.get("top_logprobs").size());
      for (int k = 0; k < 3; k++) {
        assertEntry(expected.top().get(k).token(), expected.top().get(k).logprob(), e.get("top_logprobs").get(k));
        assertEquals(Set.of("token", "logprob", "bytes"), keys(e.get("top_logprobs").get(k)));
      }
    }
    JsonNode usage = c.get("usage");
    assertEquals(a.usage().orElseThrow().promptTokens(), usage.get("prompt_tokens").asInt());
    assertEquals(a.logprobs().size(), usage.get("completion_tokens").asInt());
    assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(),
        usage.get("total_tokens").asInt());
  }

  private static void assertEntry(String token, double logprob, JsonNode e) {
    assertEquals(token, e.get("token").asText());
    assertEquals(logprob, e.get("logprob").asDouble(), 0.0, "JSON carries the double exactly");
    byte[] utf8 = token.getBytes(StandardCharsets.UTF_8);
    assertEquals(utf8.length, e.get("bytes").size());
    for (int i = 0; i < utf8.length; i++) {
      assertEquals(utf8[i] & 0xff, e.get("bytes").get(i).asInt());
    }
  }

  @Test
  void logprobsWithoutTopLogprobsListNoAlternativesAndDefaultsAreOpenAIs() throws Exception {
    // no temperature: OpenAI's default 1; no max tokens: the server's default (7 here); no seed: the model's 0
    Reply r = post("{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"a bird\"}],"
        + " \"logprobs\": true, \"stop\": \"the\"}");
    assertEquals(200, r.status(), r.body().toString());
    ChatReply.Answer a = local(List.of(new Message("user", "a bird")),
        new ChatOptions(1.0, 1.0, 7, List.of("the"), OptionalLong.empty(), 1));
    JsonNode choice = r.body().get("choices").get(0);
    assertEquals(a.text(), choice.get("message").get("content").asText());
    JsonNode content = choice.get("logprobs").get("content");
    assertEquals(a.logprobs().size(), content.size());
    for (int t = 0; t < content.size(); t++) {
      assertEntry(a.logprobs().get(t).token(), a.logprobs().get(t).logprob(), content.get(t));
      assertEquals(0, content.get(t).get("top_logprobs").size(), "top_logprobs is [] when not asked for");
    }
    Reply plain = post("{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"a bird\"}],"
        + " \"temperature\": 0, \"max_tokens\": 3, \"stop\": [\"zz\", \"yy\"]}");
    JsonNode p = plain.body().get("choices").get(0);
    assertTrue(p.has("logprobs") && p.get("logprobs").isNull(), "logprobs is null when not asked for");
    assertEquals(local(List.of(new Message("user", "a bird")), new ChatOptions(0, 1, 3, List.of("zz", "yy"),
        OptionalLong.empty(), 0)).text(), p.get("message").get("content").asText());
  }

  @Test
  void badFieldsAre400NamingTheFieldAndTheValue() throws Exception {
    String msgs = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"temperature\": \"hot\"}", new String[] {"temperature", "\"hot\""});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"temperature\": 2.5}", new String[] {"temperature", "2.5"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"top_p\": 0}", new String[] {"top_p", "0"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"n\": 2}", new String[] {"n", "2"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"max_tokens\": 0}", new String[] {"max_tokens", "0"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"max_completion_tokens\": 1.5}",
        new String[] {"max_completion_tokens", "1.5"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"seed\": \"x\"}", new String[] {"seed", "\"x\""});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"top_logprobs\": 5}", new String[] {"top_logprobs", "5"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"logprobs\": true, \"top_logprobs\": 21}",
        new String[] {"top_logprobs", "21"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}",
        new String[] {"stop", "5"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"stop\": [\"\"]}", new String[] {"stop", "[\"\"]"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"stream\": true}", new String[] {"stream", "true"});
    cases.put("{\"model\": \"tiny\", " + msgs + ", \"tools\": [{\"type\": \"function\"}]}",
        new String[] {"tools", "function"});
    cases.put("{\"model\": \"tiny\"}", new String[] {"messages", "nothing"});
    cases.put("{\"model\": \"tiny\", \"messages\": []}", new String[] {"messages", "[]"});
    cases.put("{\"model\": \"tiny\", \"messages\": [{\"content\": \"hi\"}]}", new String[] {"messages[0].role",
        "nothing"});
    cases.put("{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\","
        + " \"text\": \"a\"}, {\"type\": \"image_url\", \"image_url\": {}}]}]}",
        new String[] {"messages[0].content[1].type", "image_url"});
    cases.put("{" + msgs + "}", new String[] {"model", "nothing"});
    for (Map.Entry<String, String[]> c : cases.entrySet()) {
      assertError(post(c.getKey()), 400, c.getValue()[0], c.getValue()[1]);
    }
    Reply notJson = post("{\"model\": ");
    assertError(notJson, 400, null, "not valid JSON");
    assertError(post("[1, 2]"), 400, null, "JSON object");
  }

  @Test
  void unknownModelsPathsAndMethodsAre404And405() throws Exception {
    Reply r = post("{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    assertError(r, 404, "model", "gpt-4o");
    assertEquals("model_not_found", r.body().get("error").get("code").asText());
    assertError(send(server, "POST", "/completions", "{}"), 404, null, "/v1/completions");
    Reply wrong = send(server, "GET", "/chat/completions", null);
    assertError(wrong, 405, null, "GET /v1/chat/completions");
    assertEquals("POST", wrong.raw().headers().firstValue("Allow").orElse(""));
    Reply models = send(server, "DELETE", "/models", null);
    assertError(models, 405, null, "DELETE /v1/models");
    assertEquals("GET", models.raw().headers().firstValue("Allow").orElse(""));
  }

  private static void assertError(Reply r, int status, String param, String inMessage) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(Set.of("error"), keys(r.body()));
    JsonNode e = r.body().get("error");
    assertEquals(Set.of("message", "type", "param", "code"), keys(e));
    assertEquals(status >= 500 ? "server_error" : "invalid_request_error", e.get("type").asText());
    if (param == null) {
      assertTrue(e.get("param").isNull(), e.toString());
    } else {
      assertEquals(param, e.get("param").asText(), e.toString());
    }
    assertTrue(e.get("message").asText().contains(inMessage), e.get("message").asText() + " should name "
        + inMessage);
  }

  @Test
  void aBearerTokenGuardsEveryPathAndTheTokenLimitIsA400() throws Exception {
    try (ChatCompletionsServer s = ChatCompletionsServer.builder(chat).port(0).modelName("tiny")
        .defaultMaxTokens(4).maxTokensLimit(8).bearerToken("s3cret").build()) {
      s.start();
      assertTrue(s.url().startsWith("http://127.0.0.1:"), "loopback unless a host is named: " + s.url());
      String ask = "{\"model\": \"tiny\", \"max_tokens\": 8, \"messages\": [{\"role\": \"user\", \"content\":"
          + " \"hi\"}]}";
      for (String[] header : new String[][] {{}, {"Authorization", "Bearer wrong"}, {"Authorization", "s3cret"}}) {
        for (String path : new String[] {"/models", "/chat/completions"}) {
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path));
          b = path.equals("/models") ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(ask));
          if (header.length == 2) {
            b.header(header[0], header[1]);
          }
          HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
          Reply reply = new Reply(r.statusCode(), JSON.readTree(r.body()), r);
          assertError(reply, 401, null, "missing or wrong API key");
          assertEquals("invalid_api_key", reply.body().get("error").get("code").asText());
        }
      }
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/chat/completions"))
          .header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.ofString(ask)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
      HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/chat/completions"))
          .header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.ofString(
              ask.replace("\"max_tokens\": 8", "\"max_tokens\": 9"))).build(), HttpResponse.BodyHandlers.ofString());
      assertError(new Reply(big.statusCode(), JSON.readTree(big.body()), big), 400, "max_tokens",
          "at most 8 tokens per request on this server, got 9");
    }
    assertThrows(IllegalArgumentException.class, () -> ChatCompletionsServer.builder(chat).defaultMaxTokens(10)
        .maxTokensLimit(8).build(), "a default above the limit is refused");
  }

  @Test
  void aModelFailureIs500WithItsMessage() throws Exception {
    ChatModel failing = new ChatModel() {
      @Override
      public String id() {
        return "failing";
      }

      @Override
      public List<ChatReply> chat(List<ChatRequest> requests) {
        return requests.stream().map(q -> (ChatReply) new ChatReply.Failure("prompt of 300 tokens > 256")).toList();
      }
    };
    ChatCompletionsServer s = ChatCompletionsServer.builder(failing).port(0).build();
    s.start();
    try {
      Reply r = send(s, "POST", "/chat/completions", "{\"model\": \"failing\", \"messages\": [{\"role\": \"user\","
          + " \"content\": \"hi\"}]}");
      assertError(r, 500, null, "prompt of 300 tokens > 256");
    } finally {
      s.stop();
    }
    assertThrows(IllegalStateException.class, s::port);
  }

  @Test
  void aRefusalIsOpenAIsRefusalMessage() throws Exception {
    ChatModel refusing = new ChatModel() {
      @Override
      public String id() {
        return "refusing";
      }

      @Override
      public List<ChatReply> chat(List<ChatRequest> requests) {
        return requests.stream().map(q -> (ChatReply) new ChatReply.Refusal("I can't help with that")).toList();
      }
    };
    try (ChatCompletionsServer s = ChatCompletionsServer.builder(refusing).port(0).build()) {
      s.start();
      Reply r = send(s, "POST", "/chat/completions", "{\"model\": \"refusing\", \"logprobs\": true,"
          + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
      assertEquals(200, r.status(), r.body().toString());
      JsonNode choice = r.body().get("choices").get(0);
      assertTrue(choice.get("message").get("content").isNull());
      assertEquals("I can't help with that", choice.get("message").get("refusal").asText());
      assertTrue(choice.get("logprobs").isNull());
      assertEquals("stop", choice.get("finish_reason").asText());
    }
  }

  @Test
  void concurrentRequestsAreBatchedAndEachGetsItsOwnReply() throws Exception {
    List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    ChatModel echo = new ChatModel() {
      @Override
      public String id() {
        return "echo";
      }

      @Override
      public List<ChatReply> chat(List<ChatRequest> requests) {
        batches.add(requests.size());
        try {
          Thread.sleep(400); // long enough for the other requests to queue behind this batch
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return requests.stream().map(q -> (ChatReply) new ChatReply.Answer("echo " + q.messages().get(0).content(),
            List.of(), "stop")).toList();
      }
    };
    ChatCompletionsServer s = ChatCompletionsServer.builder(echo).port(0).threads(8).build();
    s.start();
    String url = s.url();
    try {
      Map<Integer, CompletableFuture<HttpResponse<String>>> calls = new ConcurrentHashMap<>();
      for (int i = 0; i < 8; i++) {
        HttpRequest q = HttpRequest.newBuilder(URI.create(s.url() + "/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"echo\", \"messages\": [{\"role\": \"user\","
                + " \"content\": \"m" + i + "\"}]}")).build();
        calls.put(i, http.sendAsync(q, HttpResponse.BodyHandlers.ofString()));
      }
      for (Map.Entry<Integer, CompletableFuture<HttpResponse<String>>> c : calls.entrySet()) {
        HttpResponse<String> r = c.getValue().get();
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("echo m" + c.getKey(), body.get("choices").get(0).get("message").get("content").asText());
        assertTrue(!body.has("usage"), "no usage when the model reports none");
      }
    } finally {
      s.stop();
    }
    assertEquals(8, batches.stream().mapToInt(Integer::intValue).sum());
    assertTrue(batches.stream().anyMatch(n -> n > 1), "requests waiting behind a batch go together: " + batches);
    assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(URI.create(url + "/models"))
        .build(), HttpResponse.BodyHandlers.ofString()), "a stopped server no longer listens");
  }

  @Test
  void theBuilderRefusesBadSettingsNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChatCompletionsServer.builder(chat).port(70000));
    assertTrue(e.getMessage().contains("port") && e.getMessage().contains("70000"), e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ChatCompletionsServer.builder(chat).threads(0))
        .getMessage().contains("threads"));
  }
}
