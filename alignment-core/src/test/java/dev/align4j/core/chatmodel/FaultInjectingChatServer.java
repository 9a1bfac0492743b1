package dev.align4j.core.chatmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback {@code /v1/chat/completions} server for tests, with a scripted fault per request. Each request takes the
 * next fault scripted for its last message's content ({@link #script(String, Fault...)}), else the next of the
 * global queue ({@link #enqueue}), else {@link #otherwise}'s (by default a well-formed answer).
 *
 * <p>A well-formed answer is one token, {@code " A"} or {@code " B"}, with both as its {@code top_logprobs}: P(A)
 * is {@link #pA(String)} of the last message's content, so a test knows the probabilities the model must read. It
 * carries log-probs only when the request asked for them, as OpenAI does.
 *
 * <p>The server counts the requests it received, records when each arrived, what it carried and the most it had in
 * flight at once. It binds an ephemeral port on the loopback address only; {@link #close()} stops it.
 */
final class FaultInjectingChatServer implements AutoCloseable {
  /** What the server does with one request. */
  sealed interface Fault {
    /** A well-formed answer. */
    record Answer() implements Fault {}

    /** HTTP 429 with {@code Retry-After: seconds}. */
    record RateLimit(int retryAfterSeconds) implements Fault {}

    /** HTTP 500 with an OpenAI-style error body. */
    record ServerError() implements Fault {}

    /** Waits, then answers (too late for a client whose timeout is shorter). */
    record Delay(Duration delay) implements Fault {}

    /** HTTP 200 whose body is not JSON. */
    record MalformedJson() implements Fault {}

    /** HTTP 200 with valid JSON but no {@code choices}. */
    record NoChoices() implements Fault {}

    /** A well-formed answer without {@code logprobs}, whatever was asked. */
    record NoLogprobs() implements Fault {}

    /** An answer whose message carries {@code refusal} instead of content. */
    record Refusal(String text) implements Fault {}

    /** An answer cut by the content filter ({@code finish_reason: content_filter}). */
    record ContentFilter() implements Fault {}

    /** HTTP 400 whose error message repeats the request's Authorization header, as a careless proxy might. */
    record EchoAuthorization() implements Fault {}

    /** HTTP 401, with OpenAI's message naming the key it was given. */
    record Unauthorized() implements Fault {}
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-injecting-chat-server");
    t.setDaemon(true);
    return t;
  });
  private final Deque<Fault> queue = new ArrayDeque<>();
  private final Map<String, Deque<Fault>> scripts = new HashMap<>();
  private Fault otherwise = new Fault.Answer();
  private volatile Duration answerDelay = Duration.ZERO;

  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final List<Long> arrivals = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private final List<JsonNode> bodies = new ArrayList<>();

  FaultInjectingChatServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(handlers);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  /** The base URL to configure, {@code http://127.0.0.1:PORT/v1}. */
  String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
        + "/v1";
  }

  /** Faults for the next requests, whatever their content, in arrival order. */
  synchronized FaultInjectingChatServer enqueue(Fault... faults) {
    queue.addAll(List.of(faults));
    return this;
  }

  /** Faults for the next requests whose last message is exactly {@code content}, in order. */
  synchronized FaultInjectingChatServer script(String content, Fault... faults) {
    scripts.computeIfAbsent(content, c -> new ArrayDeque<>()).addAll(List.of(faults));
    return this;
  }

  /** What every request without a scripted fault gets; default a well-formed answer. */
  synchronized FaultInjectingChatServer otherwise(Fault fault) {
    otherwise = fault;
    return this;
  }

  /** How long every answer waits before it is sent, so that calls overlap; default none. */
  FaultInjectingChatServer answerDelay(Duration d) {
    answerDelay = d;
    return this;
  }

  /** Requests received so far. */
  int received() {
    return received.get();
  }

  /** The most requests the server had in flight at once. */
  int maxInFlight() {
    return maxInFlight.get();
  }

  /** When each request arrived ({@link System#nanoTime()}), in arrival order. */
  synchronized List<Long> arrivals() {
    return List.copyOf(arrivals);
  }

  /** The Authorization header of each request, in arrival order. */
  synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** The JSON body of each request, in arrival order. */
  synchronized List<JsonNode> bodies() {
    return List.copyOf(bodies);
  }

  /** P(" A") the server answers for a last message: from its SHA-256, in [0.05, 0.95], never 0.5. */
  static double pA(String content) {
    int h = Math.floorMod(Hashing.sha256().hashString(content, StandardCharsets.UTF_8).asInt(), 90);
    return (h >= 45 ? h + 6 : h + 5) / 100.0;
  }

  private void handle(HttpExchange ex) throws IOException {
    long arrived = System.nanoTime();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      JsonNode messages = body.path("messages");
      String content = messages.path(messages.size() - 1).path("content").asText();
      Fault fault;
      synchronized (this) {
        received.incrementAndGet();
        arrivals.add(arrived);
        authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
        bodies.add(body);
        Deque<Fault> own = scripts.get(content);
        fault = own != null && !own.isEmpty() ? own.poll() : !queue.isEmpty() ? queue.poll() : otherwise;
      }
      respond(ex, fault, body, content);
    } catch (IOException e) {
      // the client gave up (its timeout was shorter than a Delay): nothing to answer
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  private void respond(HttpExchange ex, Fault fault, JsonNode request, String content) throws IOException {
    boolean logprobs = request.path("logprobs").asBoolean(false);
    if (fault instanceof Fault.RateLimit r) {
      ex.getResponseHeaders().add("Retry-After", Integer.toString(r.retryAfterSeconds()));
      send(ex, 429, error("Rate limit reached, retry after " + r.retryAfterSeconds() + " s", "rate_limit_exceeded"));
    } else if (fault instanceof Fault.ServerError) {
      send(ex, 500, error("The server had an error while processing your request", "server_error"));
    } else if (fault instanceof Fault.Delay d) {
      sleep(d.delay());
      send(ex, 200, completion(content, logprobs, null, "length"));
    } else if (fault instanceof Fault.MalformedJson) {
      send(ex, 200, "{\"id\": \"chatcmpl-1\", \"choices\": [ {\"index\": 0, \"mess");
    } else if (fault instanceof Fault.NoChoices) {
      send(ex, 200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"m\"}");
    } else if (fault instanceof Fault.NoLogprobs) {
      send(ex, 200, completion(content, false, null, "length"));
    } else if (fault instanceof Fault.Refusal r) {
      send(ex, 200, completion(content, false, r.text(), "stop"));
    } else if (fault instanceof Fault.EchoAuthorization) {
      send(ex, 400, error("bad request; you sent Authorization: " + ex.getRequestHeaders().getFirst("Authorization"),
          "invalid_request_error"));
    } else if (fault instanceof Fault.Unauthorized) {
      send(ex, 401, error("Incorrect API key provided: " + ex.getRequestHeaders().getFirst("Authorization")
          .substring("Bearer ".length()), "invalid_api_key"));
    } else if (fault instanceof Fault.ContentFilter) {
      send(ex, 200, completion(content, false, null, "content_filter"));
    } else {
      sleep(answerDelay);
      send(ex, 200, completion(content, logprobs, null, "length"));
    }
  }

  private static String error(String message, String code) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("message", message).put("type", code).put("code", code);
    return n.toString();
  }

  /** An OpenAI chat completion: one token " A" or " B", with both as alternatives when log-probs are on. */
  private static String completion(String content, boolean logprobs, String refusal, String finish) {
    double a = pA(content);
    String token = a > 0.5 ? " A" : " B";
    ObjectNode n = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
        .put("created", 0).put("model", "m");
    ObjectNode choice = n.putArray("choices").addObject().put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    if (refusal == null) {
      message.put("content", finish.equals("content_filter") ? "" : token).putNull("refusal");
    } else {
      message.putNull("content").put("refusal", refusal);
    }
    if (logprobs) {
      ObjectNode first = choice.putObject("logprobs").putNull("refusal").putArray("content").addObject()
          .put("token", token).put("logprob", Math.log(Math.max(a, 1 - a)));
      first.putNull("bytes");
      ArrayNode top = first.putArray("top_logprobs");
      for (String t : a > 0.5 ? List.of(" A", " B") : List.of(" B", " A")) {
        top.addObject().put("token", t).put("logprob", Math.log(t.equals(" A") ? a : 1 - a)).putNull("bytes");
      }
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finish);
    n.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", 1).put("total_tokens", 2);
    return n.toString();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while delaying a reply", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
    try {
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
