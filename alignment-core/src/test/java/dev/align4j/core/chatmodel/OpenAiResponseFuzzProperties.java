package dev.align4j.core.chatmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.TokenLogprob;
import dev.align4j.core.testing.Hostile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Broken and hostile responses of an OpenAI-compatible endpoint end, through {@link OpenAiChatModel}, in the
 * documented reply: an {@link ChatReply.Answer} or {@link ChatReply.Refusal} when the body is a usable completion,
 * else a {@link ChatReply.Failure} naming the HTTP status, the malformed field or the broken connection; never an
 * exception, a hang or an out-of-memory. One loopback server ({@link HttpServer}) answers every try with the
 * response the try scripted: a valid completion damaged by {@link Hostile} (truncated, bytes flipped, fields
 * retyped, nulled or removed, nesting past 1000, long strings), a body that is not JSON (HTML, empty, binary), an
 * error status (4xx, 5xx, 1xx-less oddities) with or without OpenAI's error body, a wrong Content-Type, or a body cut
 * short of its Content-Length. The model is opened once, without retries, so each try is one HTTP call.
 *
 * <p>The limits are the SDK's: Jackson's defaults for the body (nesting 1000, numbers of 1000 digits, strings of
 * 20,000,000 chars) and {@link EndpointConfig#timeout()} for the call; a failure text keeps the first 300 chars of
 * an error body. Both are tested below.
 */
class OpenAiResponseFuzzProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PER_TRY = Duration.ofSeconds(10);
  private static final int[] STATUSES = {200, 200, 200, 201, 202, 203, 204, 206, 299, 301, 302, 304, 400, 401, 403,
      404, 405, 409, 413, 418, 422, 451, 499, 500, 501, 502, 503, 504, 599};
  private static final String[] NOT_JSON = {"", " ", "\n", "null", "[]", "{}", "\"text\"", "42",
      "<html><body>502 Bad Gateway</body></html>", "OK", "\u0000\u0001\u0002", "{\"error\": \"plain string\"}",
      "{\"error\": {\"message\": null}}", "{\"error\": {\"message\": \"" + "e".repeat(10_000) + "\"}}",
      "{\"error\": [1, 2]}", "data: {\"choices\": []}\n\ndata: [DONE]\n\n", "\uFEFF{}"};

  private static HttpServer server;
  private static ExecutorService serverThreads;
  private static OpenAiChatModel model;
  /** What the server sends for the next request. */
  private static final AtomicReference<Response> NEXT = new AtomicReference<>();

  /**
   * One scripted HTTP response.
   *
   * @param status the HTTP status
   * @param contentType the Content-Type header, or null for none
   * @param body the body
   * @param cutAfter when not negative, the connection is closed after this many bytes of a body announced whole
   */
  record Response(int status, String contentType, byte[] body, int cutAfter) {}

  static {
    // The JDK's server writes the headers and the body in two packets; with Nagle's algorithm on, the second waits
    // for the client's delayed ACK, 40 ms a call. Read once, when the first HttpServer of the JVM starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @BeforeContainer
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newFixedThreadPool(2);
    server.setExecutor(serverThreads);
    server.createContext("/", OpenAiResponseFuzzProperties::respond);
    server.start();
    String base = "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
        + "/v1";
    model = OpenAiChatModel.open(EndpointConfig.builder().baseUrl(base).model("judge").maxRetries(0)
        .timeout(Duration.ofSeconds(5)).build(), Map.<String, String>of()::get);
  }

  @AfterContainer
  static void stop() {
    model.close();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private static void respond(HttpExchange ex) throws IOException {
    try {
      ex.getRequestBody().readAllBytes();
      Response r = NEXT.get();
      if (r.contentType() != null) {
        ex.getResponseHeaders().add("Content-Type", r.contentType());
      }
      boolean noBody = r.status() == 204 || r.status() == 304;
      ex.sendResponseHeaders(r.status(), noBody ? -1 : r.body().length == 0 ? -1 : r.body().length);
      if (!noBody && r.body().length > 0) {
        OutputStream out = ex.getResponseBody();
        out.write(r.body(), 0, r.cutAfter() >= 0 ? Math.min(r.cutAfter(), r.body().length) : r.body().length);
        out.flush();
      }
    } catch (IOException clientGone) {
      // the client closed first: nothing more to send
    } finally {
      ex.close();
    }
  }

  @Property(tries = 1000)
  void everyHostileResponseEndsInADocumentedReply(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int damage) {
    check(seed, damage);
  }

  @Property(tries = 10_000)
  @Tag("slow")
  void everyHostileResponseEndsInADocumentedReplySlowProfile(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int damage) {
    check(seed, damage);
  }

  private static void check(long seed, int damage) {
    Random rnd = new Random(seed);
    Response r = response(rnd, damage);
    NEXT.set(r);
    ChatRequest request = new ChatRequest(List.of(new Message("user", "which is better?")),
        ChatOptions.firstToken(2));
    ChatReply reply = assertTimeoutPreemptively(PER_TRY, () -> {
      try {
        List<ChatReply> replies = model.chat(List.of(request));
        assertEquals(1, replies.size());
        return replies.get(0);
      } catch (RuntimeException | Error other) {
        throw new AssertionError("chat raised " + other + " on HTTP " + r.status() + " " + r.contentType() + ":\n"
            + preview(r), other);
      }
    });
    if (reply instanceof ChatReply.Failure f) {
      assertNamesTheFault(f, r);
      Statistics.collect("failure", r.status() / 100 + "xx");
    } else {
      assertTrue(r.status() / 100 == 2, "HTTP " + r.status() + " gave " + reply);
      if (reply instanceof ChatReply.Answer a) {
        for (TokenLogprob t : a.logprobs()) {
          assertTrue(t.logprob() <= 0, "a log-prob above 0 is no answer: " + t);
        }
      }
      Statistics.collect(reply.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), "2xx");
    }
  }

  /**
   * A failure says what was wrong: the status for an error status; for a 2xx, that the response was malformed (the
   * SDK's message names the field) or that the connection broke; never empty, never longer than its first 300
   * chars of a body allow.
   */
  private static void assertNamesTheFault(ChatReply.Failure f, Response r) {
    String e = f.error();
    assertTrue(!e.isBlank() && e.length() < 1_000, "a failure text of " + e.length() + " chars: " + e);
    if (r.status() / 100 != 2) {
      assertTrue(e.startsWith("HTTP " + r.status() + " ") || e.startsWith("malformed response")
          || e.startsWith("no response") || e.startsWith("call failed"), "the status is named: " + e + " for HTTP "
          + r.status() + ":\n" + preview(r));
    } else {
      assertTrue(e.startsWith("malformed response") || e.startsWith("no response") || e.startsWith("call failed"),
          "the fault is named: " + e + " for:\n" + preview(r));
    }
  }

  /** A seeded hostile response: a damaged completion (most tries), or a body that is not one, or an error. */
  private static Response response(Random rnd, int damage) {
    int status = STATUSES[rnd.nextInt(STATUSES.length)];
    String type = switch (rnd.nextInt(8)) {
      case 0 -> null;
      case 1 -> "text/html";
      case 2 -> "application/json; charset=utf-16";
      case 3 -> "application/octet-stream";
      default -> "application/json";
    };
    byte[] body;
    int kind = rnd.nextInt(10);
    if (kind < 7) {
      body = Hostile.damage(completion(rnd), rnd, damage);
    } else if (kind < 9) {
      body = NOT_JSON[rnd.nextInt(NOT_JSON.length)].getBytes(StandardCharsets.UTF_8);
    } else {
      body = error(rnd).getBytes(StandardCharsets.UTF_8);
    }
    int cut = rnd.nextInt(12) == 0 && body.length > 1 ? rnd.nextInt(body.length) : -1;
    return new Response(status, type, body, cut);
  }

  /** A completion as OpenAI sends one, with log-probs, a refusal or a filtered finish now and then. */
  private static String completion(Random rnd) {
    ObjectNode n = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
        .put("created", 1_700_000_000).put("model", "judge").put("system_fingerprint", "fp");
    ArrayNode choices = n.putArray("choices");
    for (int c = 0, count = rnd.nextInt(6) == 0 ? 2 : 1; c < count; c++) {
      ObjectNode choice = choices.addObject().put("index", c);
      ObjectNode message = choice.putObject("message").put("role", "assistant");
      boolean refusal = rnd.nextInt(10) == 0;
      if (refusal) {
        message.putNull("content").put("refusal", "I can't help with that.");
      } else {
        message.put("content", " A").putNull("refusal");
      }
      ObjectNode first = choice.putObject("logprobs").putNull("refusal").putArray("content").addObject()
          .put("token", " A").put("logprob", -0.25);
      first.putArray("bytes").add(32).add(65);
      ArrayNode top = first.putArray("top_logprobs");
      top.addObject().put("token", " A").put("logprob", -0.25).putNull("bytes");
      top.addObject().put("token", " B").put("logprob", -1.5).putNull("bytes");
      choice.put("finish_reason", refusal ? "stop" : List.of("length", "stop", "content_filter", "tool_calls")
          .get(rnd.nextInt(4)));
    }
    n.putObject("usage").put("prompt_tokens", 12).put("completion_tokens", 1).put("total_tokens", 13);
    return n.toString();
  }

  private static String error(Random rnd) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("message", List.of("Rate limit reached", "The server had an error", "Invalid model",
        "x".repeat(100_000)).get(rnd.nextInt(4))).put("type", "server_error").putNull("param").put("code", "e");
    return n.toString();
  }

  private static String preview(Response r) {
    String s = new String(r.body(), StandardCharsets.UTF_8);
    return (r.cutAfter() >= 0 ? "(cut after " + r.cutAfter() + " bytes) " : "")
        + (s.length() <= 2000 ? s : s.substring(0, 2000) + "... (" + s.length() + " chars)");
  }

  // ---- the stated limits -----------------------------------------------------------------------------------------

  @Example
  void aBodyNestedPastJacksonsDepthIsAMalformedResponse() {
    int limit = Hostile.JACKSON_MAX_DEPTH;
    NEXT.set(new Response(200, "application/json", ("{\"id\": \"x\", \"choices\": " + "[".repeat(limit + 1)
        + "]".repeat(limit + 1) + "}").getBytes(StandardCharsets.UTF_8), -1));
    ChatReply.Failure f = assertInstanceOf(ChatReply.Failure.class, model.chat(List.of(new ChatRequest(
        List.of(new Message("user", "q")), ChatOptions.firstToken(2)))).get(0));
    assertTrue(f.error().startsWith("malformed response") && f.error().contains("depth"), f.error());
  }

  private static ChatReply.Failure failureOf(int status, String body) {
    NEXT.set(new Response(status, "application/json", body.getBytes(StandardCharsets.UTF_8), -1));
    return assertInstanceOf(ChatReply.Failure.class, model.chat(List.of(new ChatRequest(
        List.of(new Message("user", "q")), ChatOptions.firstToken(2)))).get(0));
  }

  /**
   * Found by the property: within Jackson's limit, a body nested 999 deep overflowed the stack in the SDK's
   * JsonValue (five frames a level), and the StackOverflowError escaped chat(); a 2xx body of JSON null was a
   * NullPointerException.
   */
  @Example
  void aBodyNestedJustWithinJacksonsDepthOrNullIsAMalformedResponse() {
    String deep = "[".repeat(Hostile.JACKSON_MAX_DEPTH - 1) + "]".repeat(Hostile.JACKSON_MAX_DEPTH - 1);
    for (int status : new int[] {200, 401, 500}) {
      ChatReply.Failure f = failureOf(status, "{\"id\": \"x\", \"extra\": " + deep + "}");
      assertTrue(f.error().startsWith(status == 200 ? "malformed response" : "HTTP " + status), f.error());
    }
    assertTrue(failureOf(200, "null").error().startsWith("malformed response: the body is JSON null"));
  }

  @Example
  void anErrorBodyIsCutToItsFirst300Chars() {
    String body = "{\"error\": {\"message\": \"" + "x".repeat(100_000) + "\", \"type\": \"server_error\"}}";
    NEXT.set(new Response(500, "application/json", body.getBytes(StandardCharsets.UTF_8), -1));
    ChatReply.Failure f = assertInstanceOf(ChatReply.Failure.class, model.chat(List.of(new ChatRequest(
        List.of(new Message("user", "q")), ChatOptions.firstToken(2)))).get(0));
    assertTrue(f.error().startsWith("HTTP 500 after 1 attempt: ") && f.error().length() < 400, f.error());
  }
}
