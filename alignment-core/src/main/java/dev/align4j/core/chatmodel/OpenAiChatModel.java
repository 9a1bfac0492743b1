package dev.align4j.core.chatmodel;

import static com.google.common.base.Preconditions.checkNotNull;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletion;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat model behind an OpenAI-compatible {@code /v1/chat/completions} endpoint (OpenAI, vLLM, llama.cpp, Ollama,
 * TGI, …), called through the official OpenAI Java SDK.
 *
 * <p><b>Calls.</b> Each request is one non-streaming call; up to {@link EndpointConfig#maxConcurrency()} run at once
 * on the model's own threads, and {@link #chat(List, ReplySink)} hands each reply to the sink as soon as its call
 * ends (so a {@link CachingChatModel} in front keeps every finished call of a run that is killed later).
 *
 * <p><b>Retries</b> are the SDK's own ({@code RetryingHttpClient}): up to {@link EndpointConfig#maxRetries()} more
 * attempts after a 408, 409, 429 or 5xx response, a connection failure or a timeout, waiting
 * {@code Retry-After-Ms} or {@code Retry-After} (seconds or an HTTP date) when the server sends one, else
 * 0.5 s × 2<sup>n−1</sup> less up to 25% jitter. The SDK caps every wait at 8 s, a server's {@code Retry-After}
 * included: a server asking for a minute is asked again after 8 s, and the call fails when it still refuses after
 * the last retry (a rerun through the cache then asks only what failed). A server's {@code X-Should-Retry} header
 * overrides the status. Other 4xx responses are not retried.
 *
 * <p><b>Replies.</b> Success is an {@link ChatReply.Answer} with the first choice's text, its
 * {@code logprobs.content} and its finish reason; a refusal text or {@code finish_reason: content_filter} is a
 * {@link ChatReply.Refusal}; an HTTP error left after the retries, a timeout, a malformed body or a response without
 * choices is a {@link ChatReply.Failure} naming the status or the fault and the attempts made. When log-probs were
 * asked for but the response has none, the reply is still an answer, with none: the judge reads that as invalid.
 *
 * <p><b>Budget.</b> With {@link EndpointConfig#requestBudget()} set, every HTTP attempt, SDK retries included, is
 * counted (an OkHttp interceptor, which the SDK runs once per attempt); the attempt past the budget is not sent, no
 * further call starts, the calls in flight finish and are handed to the sink, and then {@code chat} throws
 * {@link RequestBudgetExhaustedException}. The request whose attempt was refused gets no reply.
 *
 * <p><b>The API key</b> is read once, here, from the variable {@link EndpointConfig#apiKeyEnv()} names; it is sent as
 * {@code Authorization: Bearer} and is scrubbed from every failure text, exception and log line this class writes
 * (the SDK's own logging, off unless {@code OPENAI_LOG} is set, redacts the header itself).
 *
 * <p>Thread-safe; {@link #close()} after the last {@code chat} has returned.
 */
public final class OpenAiChatModel implements ChatModel {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatModel.class);

  private final EndpointConfig config;
  private final ApiKey key;
  private final RequestBudget budget;
  private final OpenAIClient client;
  private final ExecutorService calls;

  private OpenAiChatModel(EndpointConfig config, ApiKey key) {
    this.config = config;
    this.key = key;
    this.budget = new RequestBudget(config.requestBudget());
    Duration t = config.timeout();
    this.client = OpenAIOkHttpClient.builder()
        .baseUrl(config.baseUrl().toString())
        .apiKey(key.value())
        .maxRetries(config.maxRetries())
        // one limit for every phase of an attempt: a connect that hangs is as stuck as a reply that never comes
        .timeout(Timeout.builder().connect(t).read(t).write(t).request(t).build())
        // keep a connection per concurrent call alive between batches (OkHttp keeps 5, for 5 minutes, by default;
        // the SDK takes both settings or neither)
        .maxIdleConnections(Math.max(5, config.maxConcurrency()))
        .keepAliveDuration(Duration.ofMinutes(5))
        .addInterceptor(budget)
        .build();
    this.calls = Executors.newFixedThreadPool(config.maxConcurrency(), threads(config.model()));
  }

  /**
   * Opens a model on the endpoint, reading the API key from the process environment.
   *
   * @param config the endpoint
   * @return the model; close it to stop its threads and connections
   * @throws IllegalStateException when {@link EndpointConfig#apiKeyEnv()} names a variable that is unset or blank
   */
  public static OpenAiChatModel open(EndpointConfig config) {
    return open(config, System::getenv);
  }

  /**
   * Opens a model on the endpoint, reading the API key through {@code environment} (tests pass a map's
   * {@code get}).
   *
   * @param config the endpoint
   * @param environment the value of an environment variable by name, or null when unset
   * @return the model; close it to stop its threads and connections
   * @throws IllegalStateException when {@link EndpointConfig#apiKeyEnv()} names a variable that is unset or blank
   */
  public static OpenAiChatModel open(EndpointConfig config, Function<String, String> environment) {
    checkNotNull(config, "config");
    checkNotNull(environment, "environment");
    return new OpenAiChatModel(config, ApiKey.resolve(config.apiKeyEnv(), environment));
  }

  /**
   * The stack of a call's thread. The SDK parses a response body on the calling thread, and its JsonValue recurses
   * some five frames per level of nesting: a body nested 900 deep, which Jackson's limit of 1000 lets through,
   * overflows a default 1 MiB stack (found by {@code OpenAiResponseFuzzProperties}); 16 MiB holds Jackson's limit.
   */
  private static final long CALL_STACK_BYTES = 16L << 20;

  private static ThreadFactory threads(String model) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(null, r, "align4j-openai-" + model + "-" + n.incrementAndGet(), CALL_STACK_BYTES);
      // a model left open must not keep the JVM alive
      t.setDaemon(true);
      return t;
    };
  }

  /** The endpoint's model name. */
  @Override
  public String id() {
    return config.model();
  }

  /**
   * The endpoint this model calls.
   *
   * @return the configuration it was opened with
   */
  public EndpointConfig config() {
    return config;
  }

  /**
   * HTTP attempts made so far, SDK retries included; what {@link EndpointConfig#requestBudget()} limits.
   *
   * @return attempts sent since opening
   */
  public long requestsAttempted() {
    return budget.attempted();
  }

  /**
   * Replies to each request; see {@link #chat(List, ReplySink)}.
   *
   * @throws RequestBudgetExhaustedException when the request budget runs out before every request is answered
   */
  @Override
  public List<ChatReply> chat(List<ChatRequest> requests) {
    ChatReply[] out = new ChatReply[requests.size()];
    chat(requests, (i, r) -> out[i] = r);
    return List.of(out);
  }

  /**
   * Replies to each request, up to {@link EndpointConfig#maxConcurrency()} at once, handing each reply to
   * {@code sink} when its call ends, under a lock, so the sink is never called concurrently.
   *
   * @throws IllegalArgumentException when a message has a role OpenAI's chat API has no type for; no call is made
   * @throws RequestBudgetExhaustedException when the request budget runs out: the calls in flight are finished and
   *     handed to the sink first; the requests not yet asked get no reply
   * @throws CancellationException when the calling thread is interrupted: the calls in flight are interrupted and no
   *     reply is handed to the sink afterwards; the thread's interrupt flag is set again
   */
  @Override
  public void chat(List<ChatRequest> requests, ReplySink sink) {
    checkNotNull(requests, "requests");
    checkNotNull(sink, "sink");
    OpenAiRequests.checkRoles(requests);
    Batch batch = new Batch(requests.size(), sink);
    ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(calls);
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      int index = i;
      futures.add(done.submit(() -> {
        answer(batch, index, requests.get(index));
        return null;
      }));
    }
    try {
      for (int k = 0; k < futures.size(); k++) {
        try {
          done.take().get();
        } catch (ExecutionException e) {
          // the sink threw (a cache that cannot write) or a bug: stop the batch rather than answer into a void
          batch.abandon();
          futures.forEach(f -> f.cancel(true));
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(id() + ": a chat call failed unexpectedly", e.getCause());
        }
      }
    } catch (InterruptedException e) {
      batch.abandon();
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new CancellationException(id() + ": interrupted after " + batch.delivered() + " of " + requests.size()
          + " replies");
    }
    RequestBudgetExhaustedException spent = batch.exhaustion();
    if (spent != null) {
      throw new RequestBudgetExhaustedException(spent.budget(), id() + ": the request budget of " + spent.budget()
          + " HTTP calls (SDK retries included) is spent; " + batch.delivered() + " of " + requests.size()
          + " replies of this batch were handed over before stopping. Raise EndpointConfig.requestBudget (now "
          + spent.budget() + ") or leave it unset for no limit, then rerun: a CachingChatModel in front repeats no"
          + " call that completed", spent);
    }
  }

  /** One request on one of the model's threads: the call, unless the batch has stopped, and its delivery. */
  private void answer(Batch batch, int index, ChatRequest request) {
    if (batch.stopped()) {
      return;
    }
    long t0 = System.nanoTime();
    ChatReply reply;
    try {
      reply = call(request);
    } catch (RequestBudgetExhaustedException e) {
      batch.exhausted(e);
      LOG.warn("{}: request {} of {} not sent: {}", id(), index, batch.size(), e.getMessage());
      return;
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (reply instanceof ChatReply.Failure f) {
      LOG.warn("{}: request {} of {} failed after {} ms: {}", id(), index, batch.size(), ms, f.error());
    } else {
      LOG.debug("{}: request {} of {}: {} in {} ms, {} HTTP attempt(s)", id(), index, batch.size(),
          reply instanceof ChatReply.Answer a ? "answer (finish_reason " + a.finishReason() + ")" : "refusal", ms,
          budget.attemptsOfThisCall());
    }
    batch.deliver(index, reply);
  }

  /** One call through the SDK (with its retries); every outcome but a spent budget is a reply. */
  private ChatReply call(ChatRequest request) {
    budget.startCall();
    ChatCompletion completion;
    try {
      completion = client.chat().completions().create(OpenAiRequests.params(config.model(), request));
    } catch (OpenAIException e) {
      return failure(e);
    } catch (StackOverflowError e) {
      // the SDK's parser recursing through a body nested deeper than CALL_STACK_BYTES allows (a thread may get a
      // smaller stack than asked for); parsing holds no state, so the call just failed
      return new ChatReply.Failure("malformed response: nested too deeply for the SDK's parser after "
          + attempts() + " (the body's JSON nests hundreds of levels deep)");
    }
    if (completion == null) {
      // a 2xx whose body is the JSON literal null: the SDK hands over null rather than failing
      return new ChatReply.Failure("malformed response: the body is JSON null, not a chat completion, after "
          + attempts());
    }
    try {
      return OpenAiReplies.of(completion);
    } catch (OpenAIException | IllegalArgumentException e) {
      // a field missing or of the wrong type (the SDK parses lazily), or a log-prob above 0
      return failure(e);
    } catch (StackOverflowError e) {
      return new ChatReply.Failure("malformed response: nested too deeply for the SDK's parser after "
          + attempts() + " (the body's JSON nests hundreds of levels deep)");
    }
  }

  private String attempts() {
    int n = budget.attemptsOfThisCall();
    return n == 1 ? "1 attempt" : n + " attempts";
  }

  private ChatReply.Failure failure(Exception e) {
    return new ChatReply.Failure(OpenAiReplies.describe(e, budget.attemptsOfThisCall(), config.timeout(), key));
  }

  /** Stops the model's threads and the SDK client's connections; a {@code chat} still running is interrupted. */
  @Override
  public void close() {
    calls.shutdownNow();
    try {
      if (!calls.awaitTermination(config.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{}: calls still running {} ms after close", id(), config.timeout().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      client.close();
    }
  }

  /** The configuration and where the key came from; never the key. */
  @Override
  public String toString() {
    return "OpenAiChatModel[" + config + ", key " + key.source() + "]";
  }

  /**
   * The state of one {@code chat} call shared by its tasks: the sink behind a lock, and whether the batch has
   * stopped (budget spent) or been abandoned (the caller has left, so nothing more may reach the sink).
   */
  private static final class Batch {
    private final int size;
    private final ReplySink sink;
    private final Object lock = new Object();
    private int delivered;
    private boolean abandoned;
    private final AtomicReference<RequestBudgetExhaustedException> exhaustion = new AtomicReference<>();

    Batch(int size, ReplySink sink) {
      this.size = size;
      this.sink = sink;
    }

    int size() {
      return size;
    }

    boolean stopped() {
      return exhaustion.get() != null || abandoned();
    }

    private boolean abandoned() {
      synchronized (lock) {
        return abandoned;
      }
    }

    void exhausted(RequestBudgetExhaustedException e) {
      exhaustion.compareAndSet(null, e);
    }

    /** The first refused attempt, or null. */
    RequestBudgetExhaustedException exhaustion() {
      return exhaustion.get();
    }

    void deliver(int index, ChatReply reply) {
      synchronized (lock) {
        if (!abandoned) {
          sink.accept(index, reply);
          delivered++;
        }
      }
    }

    void abandon() {
      synchronized (lock) {
        abandoned = true;
      }
    }

    int delivered() {
      synchronized (lock) {
        return delivered;
      }
    }
  }
}
