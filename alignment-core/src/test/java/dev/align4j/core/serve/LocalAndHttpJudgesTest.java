package dev.align4j.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Outcome;
import dev.align4j.api.judge.Principle;
import dev.align4j.core.cai.ChatJudge;
import dev.align4j.core.cai.ConstitutionalLabeller;
import dev.align4j.core.cai.PairLabel;
import dev.align4j.core.cai.Vote;
import dev.align4j.core.chatmodel.ChatCheckpoints;
import dev.align4j.core.chatmodel.EndpointConfig;
import dev.align4j.core.chatmodel.LocalChatModel;
import dev.align4j.core.chatmodel.OpenAiChatModel;
import dev.align4j.core.data.LabelRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's acceptance line: the in-process judge over a local checkpoint and the HTTP judge (the OpenAI SDK client)
 * pointed at a server over the same folder give the same outcomes and probabilities within 1e-4, on at least 50
 * pairs, over loopback only. The two sides load the folder separately, as {@code align serve} would.
 */
class LocalAndHttpJudgesTest {
  private static final int PAIRS = 80;

  @Test
  void theLocalAndTheHttpJudgeAgree(@TempDir Path dir) throws Exception {
    Path folder = ChatCheckpoints.builtin(dir.resolve("judge"), ChatCheckpoints.JUDGE_CORPUS, 640, 5);
    Constitution c = new Constitution("test", List.of(new Principle("better", Optional.empty(), Optional.empty(),
        Optional.of("Which is better?"))), List.of());
    List<LabelRequest> requests = pairs();
    List<PairLabel> local;
    List<PairLabel> http;
    try (LocalChatModel model = LocalChatModel.open(folder)) {
      local = ConstitutionalLabeller.of(c, ChatJudge.of(model)).labelAll(requests);
    }
    try (LocalChatModel served = LocalChatModel.open(folder);
        ChatCompletionsServer server = ChatCompletionsServer.builder(served).port(0).build()) {
      server.start();
      try (OpenAiChatModel client = OpenAiChatModel.open(EndpointConfig.builder().baseUrl(server.url())
          .model(server.modelName()).build())) {
        http = ConstitutionalLabeller.of(c, ChatJudge.of(client)).labelAll(requests);
      }
    }
    int graded = 0;
    for (int i = 0; i < PAIRS; i++) {
      PairLabel a = local.get(i);
      PairLabel b = http.get(i);
      assertEquals(a.outcome().kind(), b.outcome().kind(), "pair " + i + ": " + a.outcome() + " vs " + b.outcome());
      for (int k = 0; k < a.votes().size(); k++) {
        Vote x = a.votes().get(k);
        Vote y = b.votes().get(k);
        assertEquals(x.judgement().outcome().kind(), y.judgement().outcome().kind(), "pair " + i + " vote " + k);
        if (x.judgement().outcome() instanceof Outcome.Preferred p) {
          double q = ((Outcome.Preferred) y.judgement().outcome()).pFirst();
          assertEquals(p.pFirst(), q, 1e-4, "pair " + i + " vote " + k);
          graded += p.pFirst() > 0.01 && p.pFirst() < 0.99 ? 1 : 0;
        }
      }
      if (a.outcome() instanceof Outcome.Preferred p) {
        assertEquals(p.pFirst(), ((Outcome.Preferred) b.outcome()).pFirst(), 1e-4, "pair " + i);
      }
    }
    // Votes where both options were among the alternatives carry a real probability: without enough of them the
    // comparison above would only have checked 0s and 1s.
    assertTrue(graded >= 20, "only " + graded + " votes carried a probability strictly between 0.01 and 0.99");
  }

  /** Prompts and answers of the corpus's characters, seeded. */
  private static List<LabelRequest> pairs() {
    Random r = new Random(12);
    String words = "the answer is better than a human option consider assistant conversation";
    String[] w = words.split(" ");
    List<LabelRequest> out = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      out.add(new LabelRequest(new CandidatePair("p" + i, Text.plain(sentence(r, w, 6)), sentence(r, w, 4),
          sentence(r, w, 4)), OptionalInt.empty()));
    }
    return out;
  }

  private static String sentence(Random r, String[] words, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
    }
    return b.toString();
  }
}
