package dev.align4j.core.chatmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.Comparison;
import dev.align4j.api.judge.Judgement;
import dev.align4j.api.judge.Outcome;
import dev.align4j.api.judge.Principle;
import dev.align4j.api.judge.TokenLogprob;
import dev.align4j.core.cai.ChatJudge;
import dev.align4j.core.chatmodel.FaultInjectingChatServer.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OpenAiChatModel} against {@link FaultInjectingChatServer}: the mapping of answers, refusals and faults to
 * replies, the SDK's retries as the server sees them, the request budget, the concurrency limit, the sink, the API
 * key's secrecy and a resumed run through {@link CachingChatModel}. Timeouts and Retry-After are short (≤ 1 s) so
 * the class runs in seconds.
 */
class OpenAiChatModelTest {
  private static final String KEY = "sk-align4j-TEST-9f3c1e7a5b";
  private static final String KEY_VARIABLE = "ALIGN4J_TEST_KEY";
  private static final Map<String, String> ENV = Map.of(KEY_VARIABLE, KEY);
  /**
   * slf4j-simple fixes a logger's level when the logger is made, which is when OpenAiChatModel is loaded: the debug
   * lines whose secrecy {@link #theKeyIsSentAsBearerButNeverShown} checks must be switched on before any test runs.
   */
  private static final String DEBUG = "org.slf4j.simpleLogger.log." + OpenAiChatModel.class.getName();

  static {
    System.setProperty(DEBUG, "debug");
  }

  private FaultInjectingChatServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new FaultInjectingChatServer();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @AfterAll
  static void quietAgain() {
    System.clearProperty(DEBUG);
  }

  private EndpointConfig.Builder config() {
    return EndpointConfig.builder().baseUrl(server.baseUrl()).model("judge-model").timeout(Duration.ofSeconds(5));
  }

  private static OpenAiChatModel open(EndpointConfig.Builder b) {
    return OpenAiChatModel.open(b.build(), ENV::get);
  }

  private static ChatRequest ask(String content) {
    return new ChatRequest(List.of(new Message("user", content)), ChatOptions.firstToken(2));
  }

  private static ChatReply one(OpenAiChatModel model, String content) {
    return model.chat(List.of(ask(content))).get(0);
  }

  private static Comparison comparison() {
    return new Comparison(Principle.of("helpful", "critique", "revise", "Which response is more helpful?"),
        Text.plain("What is 2 + 2?"), "4", "5", false);
  }

  @Test
  void answersWithTheFirstTokensLogprobsUnderOpenAisNames() {
    try (OpenAiChatModel model = open(config())) {
      ChatReply reply = one(model, "question one");

      double a = FaultInjectingChatServer.pA("question one");
      ChatReply.Answer answer = assertInstanceOf(ChatReply.Answer.class, reply);
      assertEquals(a > 0.5 ? " A" : " B", answer.text());
      assertEquals("length", answer.finishReason());
      assertEquals(1, answer.logprobs().size());
      TokenLogprob first = answer.logprobs().get(0);
      assertEquals(Math.log(Math.max(a, 1 - a)), first.logprob(), 1e-12);
      assertEquals(List.of(" A", " B"), first.top().stream().map(TokenLogprob.Alternative::token).sorted().toList());
      for (TokenLogprob.Alternative t : first.top()) {
        assertEquals(Math.log(t.token().equals(" A") ? a : 1 - a), t.logprob(), 1e-12);
      }
      JsonNode body = server.bodies().get(0);
      assertEquals("judge-model", body.get("model").asText());
      assertEquals("user", body.get("messages").get(0).get("role").asText());
      assertEquals("question one", body.get("messages").get(0).get("content").asText());
      assertTrue(body.get("logprobs").asBoolean(), body.toString());
      assertEquals(2, body.get("top_logprobs").asInt(), body.toString());
      assertEquals(1, body.get("max_tokens").asInt(), body.toString());
      assertEquals(0.0, body.get("temperature").asDouble(), body.toString());
      assertFalse(body.has("seed"), body.toString());
    }
  }

  @Test
  void sendsSeedAndStopAndNoLogprobsWhenNoneAreAsked() {
    try (OpenAiChatModel model = open(config())) {
      ChatOptions o = new ChatOptions(0.7, 0.9, 16, List.of("\n\n"), java.util.OptionalLong.of(42), 0);
      ChatReply reply = model.chat(List.of(new ChatRequest(List.of(new Message("system", "be brief"),
          new Message("user", "hi")), o))).get(0);

      assertEquals(List.of(), assertInstanceOf(ChatReply.Answer.class, reply).logprobs());
      JsonNode body = server.bodies().get(0);
      assertEquals(42, body.get("seed").asLong(), body.toString());
      assertEquals("\n\n", body.get("stop").get(0).asText(), body.toString());
      assertEquals(16, body.get("max_tokens").asInt(), body.toString());
      assertEquals(0.9, body.get("top_p").asDouble(), 1e-12);
      assertEquals("system", body.get("messages").get(0).get("role").asText());
      assertFalse(body.has("logprobs") || body.has("top_logprobs"), body.toString());
    }
  }

  @Test
  void aJudgeReadsTheOptionProbabilitiesThroughTheModel() {
    try (OpenAiChatModel model = open(config())) {
      Judgement j = ChatJudge.of(model).judge(List.of(comparison())).get(0);

      List<JsonNode> messages = new ArrayList<>();
      server.bodies().get(0).get("messages").forEach(messages::add);
      double a = FaultInjectingChatServer.pA(messages.get(messages.size() - 1).get("content").asText());
      assertEquals(a, assertInstanceOf(Outcome.Preferred.class, j.outcome()).pFirst(), 1e-9);
    }
  }

  @Test
  void retriesAfter429HonouringRetryAfter() {
    server.enqueue(new Fault.RateLimit(1));
    try (OpenAiChatModel model = open(config())) {
      ChatReply reply = one(model, "q");

      assertInstanceOf(ChatReply.Answer.class, reply);
      assertEquals(2, server.received());
      long gapMs = TimeUnit.NANOSECONDS.toMillis(server.arrivals().get(1) - server.arrivals().get(0));
      // without Retry-After the SDK's first backoff is 0.375 to 0.5 s
      assertTrue(gapMs >= 1000, "the retry came " + gapMs + " ms after the 429 asking for 1 s");
      assertEquals(2, model.requestsAttempted());
    }
  }

  @Test
  void retriesAfter500() {
    server.enqueue(new Fault.ServerError());
    try (OpenAiChatModel model = open(config())) {
      assertInstanceOf(ChatReply.Answer.class, one(model, "q"));
      assertEquals(2, server.received());
    }
  }

  @Test
  void retriesAfterATimeout() {
    server.enqueue(new Fault.Delay(Duration.ofMillis(2000)));
    try (OpenAiChatModel model = open(config().timeout(Duration.ofMillis(300)))) {
      long t0 = System.nanoTime();
      assertInstanceOf(ChatReply.Answer.class, one(model, "q"));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(2, server.received());
      assertTrue(ms < 1900, "the first attempt should have timed out after 300 ms, took " + ms + " ms in all");
    }
  }

  @Test
  void aTimeoutOnEveryAttemptIsAFailureNamingTheTimeout() {
    server.otherwise(new Fault.Delay(Duration.ofMillis(1500)));
    try (OpenAiChatModel model = open(config().timeout(Duration.ofMillis(200)).maxRetries(0))) {
      ChatReply.Failure f = assertInstanceOf(ChatReply.Failure.class, one(model, "q"));

      assertTrue(f.error().contains("timed out") && f.error().contains("200 ms") && f.error().contains("1 attempt"),
          f.error());
      assertEquals(1, server.received());
    }
  }

  @Test
  void aPersistent500IsAFailureAfterMaxRetriesPlusOneRequests() {
    server.otherwise(new Fault.ServerError());
    try (OpenAiChatModel model = open(config().maxRetries(2))) {
      ChatReply.Failure f = assertInstanceOf(ChatReply.Failure.class, one(model, "q"));

      assertEquals(3, server.received());
      assertTrue(f.error().startsWith("HTTP 500 after 3 attempts") && f.error().contains("server had an error"),
          f.error());
    }
  }

  @Test
  void malformedJsonIsAFailureAndIsNotRetried() {
    server.enqueue(new Fault.MalformedJson());
    try (OpenAiChatModel model = open(config())) {
      ChatReply.Failure f = assertInstanceOf(ChatReply.Failure.class, one(model, "q"));

      assertTrue(f.error().startsWith("malformed response"), f.error());
      assertEquals(1, server.received());
    }
  }

  @Test
  void aResponseWithoutChoicesIsAFailure() {
    server.enqueue(new Fault.NoChoices());
    try (OpenAiChatModel model = open(config())) {
      ChatReply.Failure f = assertInstanceOf(ChatReply.Failure.class, one(model, "q"));

      assertTrue(f.error().startsWith("malformed response") && f.error().contains("choices"), f.error());
    }
  }

  @Test
  void missingLogprobsAreAnAnswerWithoutThemAndTheJudgeCallsThatInvalid() {
    server.otherwise(new Fault.NoLogprobs());
    try (OpenAiChatModel model = open(config())) {
      ChatReply.Answer a = assertInstanceOf(ChatReply.Answer.class, one(model, "q"));
      assertEquals(List.of(), a.logprobs());
      assertTrue(server.bodies().get(0).get("logprobs").asBoolean(), "log-probs were asked for");

      Judgement j = ChatJudge.of(model).judge(List.of(comparison())).get(0);
      Outcome.Invalid invalid = assertInstanceOf(Outcome.Invalid.class, j.outcome());
      assertTrue(invalid.reason().contains("no log-probs"), invalid.reason());
    }
  }

  @Test
  void aRefusalIsARefusalAndTheJudgeCallsItRefused() {
    server.otherwise(new Fault.Refusal("I can't help with that."));
    try (OpenAiChatModel model = open(config())) {
      assertEquals(new ChatReply.Refusal("I can't help with that."), one(model, "q"));

      Judgement j = ChatJudge.of(model).judge(List.of(comparison())).get(0);
      assertEquals(new Outcome.Refused("I can't help with that."), j.outcome());
    }
  }

  @Test
  void theContentFilterIsARefusal() {
    server.enqueue(new Fault.ContentFilter());
    try (OpenAiChatModel model = open(config())) {
      ChatReply.Refusal r = assertInstanceOf(ChatReply.Refusal.class, one(model, "q"));
      assertTrue(r.reason().contains("content_filter"), r.reason());
    }
  }

  @Test
  void aSpentBudgetStopsTheRunAfterHandingOverTheCompletedReplies() {
    try (OpenAiChatModel model = open(config().requestBudget(3).maxConcurrency(1))) {
      Map<Integer, ChatReply> sunk = new ConcurrentHashMap<>();
      List<ChatRequest> requests = IntStream.range(0, 5).mapToObj(i -> ask("q" + i)).toList();

      RequestBudgetExhaustedException e = assertThrows(RequestBudgetExhaustedException.class,
          () -> model.chat(requests, sunk::put));

      assertEquals(3, e.budget());
      assertTrue(e.getMessage().contains("request budget of 3") && e.getMessage().contains("requestBudget")
          && e.getMessage().contains("3 of 5"), e.getMessage());
      assertEquals(java.util.Set.of(0, 1, 2), sunk.keySet());
      sunk.values().forEach(r -> assertInstanceOf(ChatReply.Answer.class, r));
      assertEquals(3, server.received());
      assertEquals(3, model.requestsAttempted());

      // a spent model stays spent: the next batch sends nothing
      assertThrows(RequestBudgetExhaustedException.class, () -> model.chat(List.of(ask("later"))));
      assertEquals(3, server.received());
    }
  }

  @Test
  void theBudgetCountsTheSdksRetries() {
    server.enqueue(new Fault.ServerError());
    try (OpenAiChatModel model = open(config().requestBudget(2).maxConcurrency(1))) {
      Map<Integer, ChatReply> sunk = new ConcurrentHashMap<>();

      assertThrows(RequestBudgetExhaustedException.class, () -> model.chat(List.of(ask("a"), ask("b")), sunk::put));

      // "a" took both attempts (500, then the answer); "b" was never sent
      assertEquals(java.util.Set.of(0), sunk.keySet());
      assertEquals(2, server.received());
    }
  }

  @Test
  void atMostMaxConcurrencyCallsAreInFlightAndTheSinkGetsEachReplyOnceNeverConcurrently() {
    server.answerDelay(Duration.ofMillis(200));
    try (OpenAiChatModel model = open(config().maxConcurrency(3))) {
      List<ChatRequest> requests = IntStream.range(0, 12).mapToObj(i -> ask("q" + i)).toList();
      Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
      AtomicInteger inSink = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();

      model.chat(requests, (i, r) -> {
        if (inSink.incrementAndGet() > 1) {
          overlaps.incrementAndGet();
        }
        calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
        sleep(20); // give another delivery the chance to overlap, were the sink not locked
        inSink.decrementAndGet();
      });

      assertEquals(3, server.maxInFlight(), "calls in flight at once");
      assertEquals(12, server.received());
      assertEquals(12, calls.size());
      calls.forEach((i, n) -> assertEquals(1, n.get(), "sink calls for request " + i));
      assertEquals(0, overlaps.get(), "concurrent sink calls");
    }
  }

  @Test
  void eachReplyReachesTheSinkWhenItsCallEndsNotWhenTheBatchDoes() {
    server.script("slow", new Fault.Delay(Duration.ofMillis(1200)));
    try (OpenAiChatModel model = open(config().maxConcurrency(2))) {
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<Long> at = Collections.synchronizedList(new ArrayList<>());
      long t0 = System.nanoTime();

      model.chat(List.of(ask("slow"), ask("fast")), (i, r) -> {
        order.add(i);
        at.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      });

      assertEquals(List.of(1, 0), order);
      assertTrue(at.get(0) < 1000, "the fast reply reached the sink after " + at.get(0) + " ms");
    }
  }

  @Test
  void interruptingTheCallerStopsTheBatchAndNothingReachesTheSinkAfterwards() throws Exception {
    server.answerDelay(Duration.ofMillis(300));
    try (OpenAiChatModel model = open(config().maxConcurrency(1))) {
      List<ChatRequest> requests = IntStream.range(0, 10).mapToObj(i -> ask("q" + i)).toList();
      AtomicInteger sunk = new AtomicInteger();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      CountDownLatch firstReply = new CountDownLatch(1);
      Thread caller = new Thread(() -> {
        try {
          model.chat(requests, (i, r) -> {
            sunk.incrementAndGet();
            firstReply.countDown();
          });
        } catch (Throwable t) {
          thrown.set(t);
        }
      });
      caller.start();
      assertTrue(firstReply.await(5, TimeUnit.SECONDS));
      caller.interrupt();
      caller.join(5000);

      assertInstanceOf(CancellationException.class, thrown.get());
      int atReturn = sunk.get();
      sleep(700);
      assertEquals(atReturn, sunk.get(), "replies handed over after chat returned");
      assertTrue(server.received() < 10, "requests sent: " + server.received());
    }
  }

  @Test
  void theKeyIsSentAsBearerButNeverShown() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> shown = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (OpenAiChatModel model = open(config().apiKeyEnv(KEY_VARIABLE).requestBudget(4).maxConcurrency(1))) {
      server.script("echo", new Fault.EchoAuthorization()).script("unauthorized", new Fault.Unauthorized());

      List<ChatReply> replies = model.chat(List.of(ask("echo"), ask("unauthorized"), ask("fine")));
      RequestBudgetExhaustedException spent = assertThrows(RequestBudgetExhaustedException.class,
          () -> model.chat(List.of(ask("one"), ask("two"))));

      assertEquals(List.of("Bearer " + KEY), server.authorizations().stream().distinct().toList());
      ChatReply.Failure echoed = assertInstanceOf(ChatReply.Failure.class, replies.get(0));
      assertTrue(echoed.error().startsWith("HTTP 400") && echoed.error().contains("[redacted]"), echoed.error());
      ChatReply.Failure rejected = assertInstanceOf(ChatReply.Failure.class, replies.get(1));
      assertTrue(rejected.error().contains("401") && rejected.error().contains("$" + KEY_VARIABLE),
          rejected.error());
      assertInstanceOf(ChatReply.Answer.class, replies.get(2));
      shown.add(model.toString());
      shown.add(model.config().toString());
      shown.add(echoed.toString());
      shown.add(rejected.toString());
      shown.add(spent.toString());
      shown.add(String.valueOf(spent.getCause()));
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    shown.add(log);
    assertTrue(log.contains("request 2 of 3: answer"), "the debug line of each call is logged:\n" + log);
    assertTrue(log.contains("WARN") && log.contains("[redacted]"), "failures are logged, scrubbed:\n" + log);
    for (String s : shown) {
      assertFalse(s.contains(KEY) || s.contains(KEY.substring(3)), "the key shows in: " + s);
    }
  }

  @Test
  void withoutAKeyVariableAPlaceholderIsSent() {
    try (OpenAiChatModel model = OpenAiChatModel.open(config().build(), name -> {
      throw new AssertionError("no variable should be read, asked for " + name);
    })) {
      one(model, "q");
      assertEquals(List.of("Bearer " + ApiKey.PLACEHOLDER), server.authorizations());
    }
  }

  @Test
  void anUnsetKeyVariableIsAnErrorNamingIt() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OpenAiChatModel.open(config().apiKeyEnv("ALIGN4J_NO_SUCH_KEY").build(), name -> null));
    assertTrue(e.getMessage().contains("ALIGN4J_NO_SUCH_KEY is unset"), e.getMessage());
  }

  @Test
  void aRoleOpenAiHasNoTypeForStopsTheBatchBeforeAnyCall() {
    try (OpenAiChatModel model = open(config())) {
      ChatRequest tool = new ChatRequest(List.of(new Message("tool", "42")), ChatOptions.greedy(4));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.chat(List.of(ask("q"), tool)));
      assertTrue(e.getMessage().contains("request 1, message 0: role 'tool'"), e.getMessage());
      assertEquals(0, server.received());
    }
  }

  @Test
  void aCachedRunKilledByItsBudgetResumesWithoutRepeatingACompletedCall(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("replies.jsonl");
    List<ChatRequest> requests = IntStream.range(0, 5).mapToObj(i -> ask("pair " + i)).toList();
    try (CachingChatModel killed = CachingChatModel.open(open(config().requestBudget(3).maxConcurrency(1)), cache)) {
      assertThrows(RequestBudgetExhaustedException.class, () -> killed.chat(requests));
    }
    assertEquals(3, server.received());

    List<ChatReply> replies;
    try (CachingChatModel rerun = CachingChatModel.open(open(config()), cache)) {
      replies = rerun.chat(requests);
      assertEquals(3, rerun.hits());
      assertEquals(2, rerun.misses());
    }

    assertEquals(5, server.received(), "only the two calls that had not completed are sent again");
    List<String> asked = server.bodies().stream().map(b -> b.get("messages").get(0).get("content").asText())
        .toList();
    assertEquals(asked.size(), asked.stream().distinct().count(), "a request was sent twice: " + asked);
    for (int i = 0; i < 5; i++) {
      double a = FaultInjectingChatServer.pA("pair " + i);
      assertEquals(a > 0.5 ? " A" : " B", assertInstanceOf(ChatReply.Answer.class, replies.get(i)).text());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
