package dev.align4j.core.serve;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible HTTP endpoint over any {@link ChatModel}, on the JDK's own HTTP server: what a client written
 * for OpenAI (its SDKs, LangChain, an evaluation harness) can call to talk to a local checkpoint, or to a judge.
 *
 * <pre>{@code
 * try (LocalChatModel model = LocalChatModel.open(Path.of("models/my-sft"));
 *     ChatCompletionsServer server = ChatCompletionsServer.builder(model).port(8000).build()) {
 *   server.start();   // http://127.0.0.1:8000/v1
 *   ...
 * }
 * }</pre>
 *
 * <p>Answers {@code GET /v1/models} (the one served model), {@code GET /v1/models/{name}} and
 * {@code POST /v1/chat/completions} with OpenAI's request and response bodies (see the package documentation for
 * the fields read). Errors have OpenAI's shape {@code {"error": {"message", "type", "param", "code"}}}: 400 for a bad
 * field (named, with its value), 404 for an unknown path or model name, 405 for a wrong method, 413 for a body over
 * 16 MiB, 500 when the model fails ({@link ChatReply.Failure}, whose text is the message).
 *
 * <p><b>Concurrency.</b> Requests are read and answered on a bounded pool of {@code threads} HTTP threads, with up
 * to {@code queueCapacity} more connections waiting for one (a connection beyond that is closed unanswered, and
 * logged). The model is called from one thread of its own: the requests that arrive while it answers a batch all go
 * in its next call, so concurrent requests are batched (a {@code LocalChatModel} generates requests with equal
 * sampling settings in one padded batch) and the model is never called concurrently.
 *
 * <p>Binds {@code 127.0.0.1} by default: nothing is reachable from other machines unless a host is named. The server
 * does not own the model: close the model after the server. Logs one line per request to SLF4J.
 */
public final class ChatCompletionsServer implements AutoCloseable {
  /** The largest request body read. */
  static final int MAX_BODY = 16 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionsServer.class);
  private static final String MODELS = "/v1/models";
  private static final String COMPLETIONS = "/v1/chat/completions";

  private final ChatModel model;
  private final String host;
  private final int requestedPort;
  private final String modelName;
  private final int threads;
  private final int queueCapacity;
  private final int defaultMaxTokens;
  private final int maxTokensLimit;
  private final String bearerToken;
  private final long created = System.currentTimeMillis() / 1000;

  private HttpServer http;
  private ThreadPoolExecutor executor;
  private ReplyQueue replies;

  private ChatCompletionsServer(Builder b) {
    this.model = b.model;
    this.host = b.host;
    this.requestedPort = b.port;
    this.modelName = b.modelName != null ? b.modelName : b.model.id();
    this.threads = b.threads;
    this.queueCapacity = b.queueCapacity;
    this.defaultMaxTokens = b.defaultMaxTokens;
    this.maxTokensLimit = b.maxTokensLimit;
    this.bearerToken = b.bearerToken;
    checkArgument(defaultMaxTokens <= maxTokensLimit, "defaultMaxTokens %s is above maxTokensLimit %s",
        defaultMaxTokens, maxTokensLimit);
  }

  /**
   * A builder serving {@code model}; every setting has a default.
   *
   * @param model the chat model to serve, not null
   * @return a new builder
   */
  public static Builder builder(ChatModel model) {
    return new Builder(checkNotNull(model, "model"));
  }

  /**
   * Binds the port and starts answering.
   *
   * @throws IOException when the address cannot be bound, naming host, port and the remedy
   * @throws IllegalStateException when already started
   */
  public synchronized void start() throws IOException {
    checkState(http == null, "the server is already started on %s", http == null ? "" : url());
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
    } catch (BindException e) {
      throw new IOException("cannot listen on " + host + ":" + requestedPort + " (" + e.getMessage()
          + "); choose another port, or 0 for any free one", e);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(Math.max(1, queueCapacity)), r -> {
          Thread t = new Thread(r, "align4j-serve-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (r, p) -> {
          LOG.warn("{} requests in progress and {} waiting: a connection is closed unanswered", threads,
              queueCapacity);
          throw new RejectedExecutionException("the server's queue is full");
        });
    replies = new ReplyQueue(model, threads, "align4j-serve-model");
    executor = pool;
    s.setExecutor(pool);
    s.createContext("/", this::handle);
    s.start();
    http = s;
    LOG.info("serving {} ({}) at {}", modelName, model.id(), url());
  }

  /**
   * The port the server listens on: the one asked for, or the one the system chose for port 0.
   *
   * @return the bound port
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized int port() {
    checkState(http != null, "the server is not started");
    return http.getAddress().getPort();
  }

  /**
   * The base URL a client is given, {@code http://HOST:PORT/v1}.
   *
   * @return the URL of the API root
   * @throws IllegalStateException before {@link #start()}
   */
  public synchronized String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port() + "/v1";
  }

  /**
   * The name clients give as {@code model}, listed by {@code GET /v1/models}.
   *
   * @return the served model's name
   */
  public String modelName() {
    return modelName;
  }

  /**
   * Stops listening, lets the model finish its current batch (a request still waiting fails with 500) and ends the
   * threads; the model stays open. Does nothing when not started.
   */
  public synchronized void stop() {
    if (http == null) {
      return;
    }
    http.stop(0);
    replies.close();
    executor.shutdownNow();
    http = null;
    LOG.info("stopped serving {}", modelName);
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  // ---- requests ------------------------------------------------------------------------------------------------

  private void handle(HttpExchange ex) {
    long start = System.nanoTime();
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    int status;
    try {
      ObjectNode body;
      try {
        body = route(ex, method, path);
        status = 200;
      } catch (ApiError e) {
        body = CompletionJson.error(e);
        status = e.status;
        if (status == 405) {
          ex.getResponseHeaders().add("Allow", path.startsWith(MODELS) ? "GET" : "POST");
        }
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", method, path, e);
        body = CompletionJson.error(ApiError.serverError("internal error: " + e));
        status = 500;
      }
      send(ex, status, body);
      LOG.info("{} {} {} in {} ms", method, path, status, (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      LOG.debug("{} {}: the client went away ({})", method, path, e.toString());
    } finally {
      ex.close();
    }
  }

  private ObjectNode route(HttpExchange ex, String method, String path) throws ApiError, IOException {
    if (bearerToken != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
      throw ApiError.unauthorized();
    }
    if (path.equals(MODELS)) {
      requireMethod(method, path, "GET");
      return CompletionJson.models(modelName, created);
    }
    if (path.startsWith(MODELS + "/")) {
      requireMethod(method, path, "GET");
      String name = URLDecoder.decode(path.substring(MODELS.length() + 1), StandardCharsets.UTF_8);
      if (!name.equals(modelName)) {
        throw ApiError.unknownModel(name, modelName);
      }
      return CompletionJson.model(CompletionJson.JSON.createObjectNode(), modelName, created);
    }
    if (path.equals(COMPLETIONS)) {
      requireMethod(method, path, "POST");
      return complete(readBody(ex));
    }
    throw ApiError.unknownPath(method, path);
  }

  /** Compares in constant time, so the response time tells nothing about how much of a guess was right. */
  private boolean authorized(String header) {
    String prefix = "Bearer ";
    if (header == null || !header.startsWith(prefix)) {
      return false;
    }
    return java.security.MessageDigest.isEqual(header.substring(prefix.length()).getBytes(StandardCharsets.UTF_8),
        bearerToken.getBytes(StandardCharsets.UTF_8));
  }

  private static void requireMethod(String method, String path, String allowed) throws ApiError {
    if (!method.equals(allowed)) {
      throw ApiError.wrongMethod(method, path, allowed);
    }
  }

  private ObjectNode complete(byte[] raw) throws ApiError {
    JsonNode body;
    try {
      body = CompletionJson.JSON.readTree(raw);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest(null, "the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiError.badRequest(null, "the request body cannot be read: " + e.getMessage());
    }
    CompletionCall call = CompletionCall.parse(body, defaultMaxTokens, maxTokensLimit);
    if (!call.model().equals(modelName)) {
      throw ApiError.unknownModel(call.model(), modelName);
    }
    ChatReply reply;
    try {
      reply = replies.submit(call.request()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.serverError("the server is stopping");
    } catch (ExecutionException e) {
      throw ApiError.serverError("the model " + model.id() + " failed: " + e.getCause());
    } catch (java.util.concurrent.CancellationException e) {
      throw ApiError.serverError("the server is stopping");
    }
    if (reply instanceof ChatReply.Failure f) {
      throw ApiError.serverError(f.error());
    }
    return CompletionJson.completion("chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
        System.currentTimeMillis() / 1000, modelName, reply, call);
  }

  private static byte[] readBody(HttpExchange ex) throws ApiError, IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw ApiError.tooLarge(MAX_BODY);
      }
      return b;
    }
  }

  private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
    byte[] b = CompletionJson.JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  /** Builds a {@link ChatCompletionsServer}; each setter names its default. */
  public static final class Builder {
    private final ChatModel model;
    private String host = "127.0.0.1";
    private int port = 8000;
    private String modelName;
    private int threads = 16;
    private int queueCapacity = 64;
    private int defaultMaxTokens = 512;
    private int maxTokensLimit = 4096;
    private String bearerToken;

    private Builder(ChatModel model) {
      this.model = model;
    }

    /**
     * The address to bind; default {@code 127.0.0.1} (this machine only). {@code 0.0.0.0} serves every interface.
     *
     * @param v a host name or address, not blank
     * @return this builder
     */
    public Builder host(String v) {
      checkArgument(v != null && !v.isBlank(), "host must not be blank, got %s", v);
      this.host = v;
      return this;
    }

    /**
     * The port; default 8000 (vLLM's). 0 lets the system choose a free one, read back with {@link #port()}.
     *
     * @param v in [0, 65535]
     * @return this builder
     */
    public Builder port(int v) {
      checkArgument(v >= 0 && v <= 65535, "port must be in [0, 65535] (0 = any free port), got %s", v);
      this.port = v;
      return this;
    }

    /**
     * The name clients send as {@code model}; default the model's {@link ChatModel#id()}. A request naming another
     * model gets 404.
     *
     * @param v not blank
     * @return this builder
     */
    public Builder modelName(String v) {
      checkArgument(v != null && !v.isBlank(), "modelName must not be blank, got %s", v);
      this.modelName = v;
      return this;
    }

    /**
     * HTTP threads, which is also the most requests batched into one model call; default 16.
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder threads(int v) {
      checkArgument(v >= 1, "threads must be >= 1, got %s", v);
      this.threads = v;
      return this;
    }

    /**
     * Connections that may wait for an HTTP thread; default 64. Beyond that a connection is closed unanswered.
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder queueCapacity(int v) {
      checkArgument(v >= 1, "queueCapacity must be >= 1, got %s", v);
      this.queueCapacity = v;
      return this;
    }

    /**
     * The max_tokens of a request that gives neither {@code max_completion_tokens} nor {@code max_tokens}; default
     * 512 (a local model also clamps to its context).
     *
     * @param v at least 1
     * @return this builder
     */
    public Builder defaultMaxTokens(int v) {
      checkArgument(v >= 1, "defaultMaxTokens must be >= 1, got %s", v);
      this.defaultMaxTokens = v;
      return this;
    }

    /**
     * The most tokens one request may ask for ({@code max_completion_tokens} or {@code max_tokens}); more is a 400
     * naming the field. Default 4096.
     */
    public Builder maxTokensLimit(int v) {
      checkArgument(v >= 1, "maxTokensLimit must be >= 1, got %s", v);
      this.maxTokensLimit = v;
      return this;
    }

    /**
     * A bearer token every request must carry ({@code Authorization: Bearer TOKEN}); without it, or with another,
     * the answer is 401. Default none (anyone who can reach the address may ask). Give it from the environment,
     * never from a command line other users can read.
     */
    public Builder bearerToken(String v) {
      checkArgument(v != null && !v.isBlank(), "the bearer token must be a non-blank string");
      this.bearerToken = v;
      return this;
    }

    /**
     * The server, not yet started.
     *
     * @return a server with these settings
     */
    public ChatCompletionsServer build() {
      return new ChatCompletionsServer(this);
    }
  }
}
