package dev.align4j.core.chatmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.TokenLogprob;
import dev.align4j.core.AlignModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local chat model on tiny-llama (random weights, a word-level vocabulary of 100, a chat template, 256
 * positions), checked against the model's own generation and its raw logits computed independently.
 */
class LocalChatModelTest {
  private static Path folder;
  private static AlignModel model;
  private static LocalChatModel chat;

  @BeforeAll
  static void load() throws Exception {
    folder = Path.of(LocalChatModelTest.class.getResource("/models/tiny-llama").toURI());
    model = AlignModel.load(folder);
    chat = LocalChatModel.of(model, "tiny");
  }

  @AfterAll
  static void close() {
    chat.close();
    model.close();
  }

  private static List<Message> user(String text) {
    return List.of(new Message("user", text));
  }

  private static ChatReply.Answer answer(ChatRequest r) {
    return assertInstanceOf(ChatReply.Answer.class, chat.chat(List.of(r)).get(0));
  }

  private static ChatOptions options(double temperature, double topP, int maxTokens, List<String> stop,
      OptionalLong seed, int top) {
    return new ChatOptions(temperature, topP, maxTokens, stop, seed, top);
  }

  private static int[] prompt(List<Message> messages) {
    return model.tokenizer().prompt(new Text.Chat(messages));
  }

  /** log_softmax of the model's logits at the prompt's last position, from a plain forward pass. */
  private static float[] rawLogprobsAfter(int[] ids) {
    try (NDManager m = model.languageModel().model().manager().newSubManager()) {
      NDArray logits = model.logits(m, new TokenBatch(new int[][] {ids}, TokenBatch.Padding.RIGHT)); // (1, T, V)
      return logits.get("0, -1, :").logSoftmax(0).toFloatArray();                                  // (V)
    }
  }

  private static String tokenText(int id) {
    return model.textTokenizer().decode(new int[] {id}, false);
  }

  @Test
  void greedyReplyEqualsTheModelsOwnGreedyGenerationOfTheRenderedPrompt() {
    List<Message> messages = List.of(new Message("system", "be brief"), new Message("user", "the cat sat on"));
    ChatReply.Answer a = answer(new ChatRequest(messages, ChatOptions.greedy(12)));
    int[] ids = prompt(messages);
    Completion c = model.generate(List.of(ids), SamplingParams.greedy(12), 0).get(0);
    assertEquals(model.tokenizer().decode(c.tokenIds()), a.text());
    assertEquals(c.endedWithEos() ? "stop" : "length", a.finishReason());
    assertTrue(a.logprobs().isEmpty(), "no log-probs unless asked for");
    assertEquals(ids.length, a.usage().orElseThrow().promptTokens());
    assertEquals(c.length(), a.usage().orElseThrow().completionTokens());
  }

  @Test
  void firstTokenLogprobsAreTheRawLogSoftmaxAtTheLastPromptPosition() {
    List<Message> messages = user("is the dog big ?");
    ChatReply.Answer a = answer(new ChatRequest(messages, ChatOptions.firstToken(5)));
    assertEquals(1, a.logprobs().size());
    TokenLogprob first = a.logprobs().get(0);
    float[] raw = rawLogprobsAfter(prompt(messages));
    Integer[] order = IntStream.range(0, raw.length).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, Comparator.comparingDouble((Integer v) -> -raw[v]).thenComparingInt(v -> v));
    assertEquals(5, first.top().size());
    for (int k = 0; k < 5; k++) {
      assertEquals(tokenText(order[k]), first.top().get(k).token(), "alternative " + k);
      assertEquals(raw[order[k]], first.top().get(k).logprob(), 1e-5, "alternative " + k);
      if (k > 0) {
        assertTrue(first.top().get(k - 1).logprob() >= first.top().get(k).logprob(), "most likely first");
      }
    }
    assertEquals(tokenText(order[0]), first.token(), "greedy picks the most likely token");
    assertEquals(raw[order[0]], first.logprob(), 1e-5);
  }

  @Test
  void sampledTokensReportUntemperedLogprobs() {
    // at temperature 2 the tempered distribution is much flatter than the raw one; the entries must be the raw one's
    List<Message> messages = user("a red ball");
    ChatReply.Answer a = answer(new ChatRequest(messages, options(2.0, 1.0, 1, List.of(), OptionalLong.of(3), 3)));
    float[] raw = rawLogprobsAfter(prompt(messages));
    TokenLogprob t = a.logprobs().get(0);
    boolean found = false;
    for (int v = 0; v < raw.length; v++) {
      found |= tokenText(v).equals(t.token()) && Math.abs(raw[v] - t.logprob()) < 1e-5;
    }
    assertTrue(found, "the sampled token's log-prob " + t.logprob() + " is its raw log_softmax");
    float max = Float.NEGATIVE_INFINITY;
    for (float x : raw) {
      max = Math.max(max, x);
    }
    assertEquals(max, t.top().get(0).logprob(), 1e-5);
  }

  @Test
  void aStopTextCutsTheReplyAndEndsGeneration() {
    List<Message> messages = user("the bird is");
    ChatReply.Answer full = answer(new ChatRequest(messages, options(0, 1, 30, List.of(), OptionalLong.empty(), 1)));
    String[] words = full.text().split(" ");
    assertTrue(words.length >= 4, "the greedy reply is long enough to cut: " + full.text());
    String stop = " " + words[2]; // a space first: the cut falls after the first word at the earliest
    int at = full.text().indexOf(stop);
    assertTrue(at > 0, full.text());
    ChatReply.Answer cut = answer(new ChatRequest(messages, options(0, 1, 30, List.of("zzz", stop),
        OptionalLong.empty(), 1)));
    assertEquals(full.text().substring(0, at), cut.text());
    assertEquals("stop", cut.finishReason());
    // generation ended with the token that completed the stop text, and every generated token has an entry
    int tokensToStop = cut.usage().orElseThrow().completionTokens();
    assertEquals(tokensToStop, cut.logprobs().size());
    assertTrue(tokensToStop < full.usage().orElseThrow().completionTokens());
    assertEquals(full.logprobs().subList(0, tokensToStop), cut.logprobs());
  }

  @Test
  void finishReasonIsLengthAtMaxTokensAndStopAtEos() {
    List<Message> messages = user("the bird is");
    ChatReply.Answer three = answer(new ChatRequest(messages, ChatOptions.greedy(3)));
    int[] ids = prompt(messages);
    Completion c = model.generate(List.of(ids), SamplingParams.greedy(3), 0).get(0);
    assertEquals(c.endedWithEos() ? "stop" : "length", three.finishReason());
    // an EOS: sample until some row ends on EOS, and check that it says "stop" and the text has no "</s>"
    int eos = model.tokenizer().eosIds().iterator().next();
    boolean sawEos = false;
    for (long seed = 0; seed < 40 && !sawEos; seed++) {
      ChatReply.Answer a = answer(new ChatRequest(messages, options(1.5, 1, 40, List.of(), OptionalLong.of(seed),
          1)));
      if (a.finishReason().equals("stop")) {
        sawEos = true;
        TokenLogprob last = a.logprobs().get(a.logprobs().size() - 1);
        assertEquals(tokenText(eos), last.token(), "EOS ended the reply and has its own entry");
        assertTrue(!a.text().contains(tokenText(eos)), "special tokens are not in the text: " + a.text());
      } else {
        assertEquals("length", a.finishReason());
        assertEquals(40, a.usage().orElseThrow().completionTokens());
      }
    }
    assertTrue(sawEos, "some seed ends on EOS within 40 tokens at temperature 1.5");
  }

  @Test
  void aSeedReproducesTheReplyAndNoSeedIsSeedZero() {
    List<Message> messages = user("the small fish");
    ChatOptions seven = options(1.0, 0.9, 16, List.of(), OptionalLong.of(7), 2);
    ChatReply first = chat.chat(List.of(new ChatRequest(messages, seven))).get(0);
    assertEquals(first, chat.chat(List.of(new ChatRequest(messages, seven))).get(0));
    ChatOptions none = options(1.0, 0.9, 16, List.of(), OptionalLong.empty(), 2);
    assertEquals(chat.chat(List.of(new ChatRequest(messages, none.withSeed(0)))).get(0),
        chat.chat(List.of(new ChatRequest(messages, none))).get(0));
    List<String> others = new ArrayList<>();
    for (long s = 0; s < 5; s++) {
      others.add(((ChatReply.Answer) chat.chat(List.of(new ChatRequest(messages, seven.withSeed(s)))).get(0)).text());
    }
    assertTrue(others.stream().anyMatch(t -> !t.equals(((ChatReply.Answer) first).text())),
        "other seeds sample other replies: " + others);
  }

  @Test
  void aPromptWithoutRoomIsAFailureNamingTheLengths() {
    String longText = String.join(" ", java.util.Collections.nCopies(300, "cat"));
    List<ChatReply> replies = chat.chat(List.of(new ChatRequest(user(longText), ChatOptions.greedy(4)),
        new ChatRequest(user("the cat"), ChatOptions.greedy(4))));
    ChatReply.Failure f = assertInstanceOf(ChatReply.Failure.class, replies.get(0));
    int length = prompt(user(longText)).length;
    assertTrue(f.error().contains(length + " tokens") && f.error().contains("256 positions"), f.error());
    assertInstanceOf(ChatReply.Answer.class, replies.get(1), "the other request is still answered");
  }

  @Test
  void maxTokensIsClampedToTheRoomLeft() {
    int[] base = prompt(user(""));
    // a user text of n words adds n tokens; leave exactly 5 positions
    String text = String.join(" ", java.util.Collections.nCopies(256 - base.length - 5, "cat"));
    assertEquals(251, prompt(user(text)).length);
    ChatReply.Answer a = answer(new ChatRequest(user(text), options(1.0, 1, 100, List.of(), OptionalLong.of(1), 1)));
    int n = a.usage().orElseThrow().completionTokens();
    assertTrue(n >= 1 && n <= 5, "at most the 5 positions left, got " + n);
    boolean eos = a.logprobs().get(n - 1).token().equals(tokenText(model.tokenizer().eosIds().iterator().next()));
    assertEquals(eos ? "stop" : "length", a.finishReason());
    assertTrue(eos || n == 5, "a reply ends early only at EOS");
  }

  @Test
  void aBatchOfMixedRequestsEqualsTheRequestsOneByOne() {
    List<ChatRequest> requests = List.of(
        new ChatRequest(user("the cat"), ChatOptions.greedy(8)),
        new ChatRequest(user("is the big dog on the mat ?"), ChatOptions.firstToken(5)),
        new ChatRequest(user("a bird"), options(0.8, 0.95, 10, List.of("the"), OptionalLong.of(3), 3)),
        new ChatRequest(List.of(new Message("user", "the fish"), new Message("assistant", "is red"),
            new Message("user", "and the ball ?")), ChatOptions.greedy(8)),
        new ChatRequest(user("a bird"), options(0.8, 0.95, 10, List.of(), OptionalLong.of(4), 0)),
        new ChatRequest(user("the cat"), options(0.8, 0.95, 10, List.of(), OptionalLong.of(3), 2)),
        new ChatRequest(user(String.join(" ", java.util.Collections.nCopies(300, "dog"))), ChatOptions.greedy(8)));
    List<ChatReply> batch = chat.chat(requests);
    assertEquals(requests.size(), batch.size());
    for (int i = 0; i < requests.size(); i++) {
      ChatReply alone = chat.chat(List.of(requests.get(i))).get(0);
      ChatReply together = batch.get(i);
      assertEquals(alone.getClass(), together.getClass(), "request " + i);
      if (alone instanceof ChatReply.Answer x && together instanceof ChatReply.Answer y) {
        assertEquals(x.text(), y.text(), "request " + i);
        assertEquals(x.finishReason(), y.finishReason(), "request " + i);
        assertEquals(x.usage(), y.usage(), "request " + i);
        assertEquals(x.logprobs().size(), y.logprobs().size(), "request " + i);
        for (int t = 0; t < x.logprobs().size(); t++) {
          TokenLogprob p = x.logprobs().get(t);
          TokenLogprob q = y.logprobs().get(t);
          assertEquals(p.token(), q.token());
          assertEquals(p.logprob(), q.logprob(), 1e-5, "request " + i + " token " + t);
          assertEquals(p.top().stream().map(TokenLogprob.Alternative::token).toList(),
              q.top().stream().map(TokenLogprob.Alternative::token).toList());
        }
      }
    }
    assertInstanceOf(ChatReply.Failure.class, batch.get(6));
  }

  @Test
  void openNamesTheModelAfterItsFolder() throws IOException {
    try (LocalChatModel m = LocalChatModel.open(folder)) {
      assertEquals("tiny-llama", m.id());
      assertEquals(answer(new ChatRequest(user("the cat"), ChatOptions.greedy(5))),
          m.chat(List.of(new ChatRequest(user("the cat"), ChatOptions.greedy(5)))).get(0));
    }
  }

  @Test
  void aFolderWithoutAChatTemplateIsRefused(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("no-template");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(copy.resolve("tokenizer_config.json").toFile());
    config.remove("chat_template");
    json.writeValue(copy.resolve("tokenizer_config.json").toFile(), config);
    IOException e = assertThrows(IOException.class, () -> LocalChatModel.open(copy));
    assertTrue(e.getMessage().contains(copy.toString()) && e.getMessage().contains("no chat template")
        && e.getMessage().contains("tokenizer_config.json"), e.getMessage());
    try (AlignModel plain = AlignModel.load(copy)) {
      IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> LocalChatModel.of(plain, "x"));
      assertTrue(f.getMessage().contains("no chat template"), f.getMessage());
    }
  }

  @Test
  void aClosedModelRefusesCalls() throws IOException {
    LocalChatModel m = LocalChatModel.open(folder);
    m.close();
    assertThrows(IllegalStateException.class, () -> m.chat(List.of(new ChatRequest(user("a"), ChatOptions.greedy(1)))));
    assertNotEquals("", m.id());
  }
}
