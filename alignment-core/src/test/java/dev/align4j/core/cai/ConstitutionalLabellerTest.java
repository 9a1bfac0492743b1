package dev.align4j.core.cai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Comparison;
import dev.align4j.api.judge.Judge;
import dev.align4j.api.judge.Judgement;
import dev.align4j.api.judge.Outcome;
import dev.align4j.core.data.LabelRequest;
import dev.align4j.core.cai.ConstitutionalLabeller.Settings;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.WorldJudge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConstitutionalLabellerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<PairLabel> label(double bias, boolean bothOrders, List<LabelRequest> pairs) {
    WorldJudge judge = new WorldJudge(WorldPairs.WORLD, WorldJudge.Settings.defaults().withPositionBias(bias));
    return ConstitutionalLabeller.of(WorldPairs.constitution(), judge,
        Settings.builder().bothOrders(bothOrders).seed(7).build()).labelAll(pairs);
  }

  /** Whether the pair's drawn principle scores both completions the same (the judge cannot decide it). */
  private static boolean undecidable(PairLabel l) {
    Task t = WorldPairs.WORLD.parse(((Text.Plain) l.pair().prompt()).text()).orElseThrow();
    String principle = l.votes().get(0).principle();
    return score(principle, t, l.pair().first()) == score(principle, t, l.pair().second());
  }

  private static int score(String principle, Task t, String c) {
    String filler = WorldPairs.WORLD.config().filler();
    boolean hasFiller = c.startsWith(filler);
    String content = hasFiller ? c.substring(filler.length()) : c;
    return switch (principle) {
      case "correct" -> content.equals(t.answer()) ? 1 : 0;
      case "no-filler" -> hasFiller ? 0 : 1;
      default -> -Math.max(0, c.length() - t.answer().length());
    };
  }

  @Test
  void aPositionBiasShowsWithOneOrderAndBothOrdersCancelIt() {
    List<LabelRequest> pairs = WorldPairs.requests(400, 11);
    LabellerReport unbiased = LabellerReport.of(label(0.0, false, pairs));
    List<PairLabel> oneOrder = label(1.5, false, pairs);
    LabellerReport biased = LabellerReport.of(oneOrder);
    List<PairLabel> bothOrders = label(1.5, true, pairs);
    LabellerReport both = LabellerReport.of(bothOrders);

    // pairs are in random order, so an unbiased judge picks the first-shown answer about half the time
    assertTrue(Math.abs(unbiased.firstPositionRate() - 0.5) < 0.08, "unbiased: " + unbiased.firstPositionRate());
    assertTrue(biased.firstPositionRate() > 0.62, "biased, one order: " + biased.firstPositionRate());
    assertTrue(Double.isNaN(biased.positionConsistency()), "one order has no consistency to measure");
    assertTrue(both.positionConsistency() < 1, "a biased judge flips on undecidable pairs: "
        + both.positionConsistency());

    int undecided = 0;
    for (int i = 0; i < pairs.size(); i++) {
      if (!undecidable(bothOrders.get(i))) {
        continue;
      }
      undecided++;
      // one order: the bias alone labels the pair, always for the first-shown completion (σ(1.5) = 0.818)
      assertEquals(1 / (1 + Math.exp(-1.5)), oneOrder.get(i).pCompletion0(), 1e-9, "one order, pair " + i);
      double p = bothOrders.get(i).pCompletion0();
      assertTrue(Math.abs(p - 0.5) <= 0.05, "both orders, undecidable pair " + i + ": p " + p);
    }
    assertTrue(undecided >= 50, "enough undecidable pairs to test: " + undecided);
    assertEquals(undecided, both.ties(), "both orders turn exactly the undecidable pairs into ties");
    assertTrue(biased.labelled() > both.labelled(), "one order labels undecidable pairs by position");
  }

  @Test
  void labelsAgreeWithTheGoldReferenceWhereTheJudgeIsAccurate() {
    List<LabelRequest> pairs = WorldPairs.requests(400, 12);
    LabellerReport r = LabellerReport.of(label(0.0, true, pairs));
    // a principle can disagree with the gold ordering (no-filler prefers a wrong answer without filler to a right
    // one with it), so agreement is below the judge's accuracy; a coin-flipping judge is the control
    WorldJudge coin = new WorldJudge(WorldPairs.WORLD, new WorldJudge.Settings(java.util.Map.of(), 0.5, 0.9, 0, 0));
    LabellerReport chance = LabellerReport.of(ConstitutionalLabeller.of(WorldPairs.constitution(), coin,
        Settings.builder().seed(7).build()).labelAll(pairs));
    assertTrue(r.agreement().n() > 100, "compared " + r.agreement().n());
    assertTrue(r.agreement().low() > chance.agreement().high(), "accurate " + r.agreement().rate() + " vs coin "
        + chance.agreement().rate());
    assertTrue(Math.abs(chance.agreement().rate() - 0.5) < 0.1, "coin agreement " + chance.agreement().rate());
  }

  /** A judge that prefers the answer "good" with probability 0.9 wherever it is shown. */
  private static final Judge PREFERS_GOOD = new Judge() {
    @Override public String id() {
      return "prefers-good";
    }

    @Override public List<Judgement> judge(List<Comparison> questions) {
      return questions.stream().map(q -> new Judgement(new Outcome.Preferred(q.first().equals("good") ? 0.9 : 0.1),
          "")).toList();
    }
  };

  @Test
  void theSecondOrderIsReadForTheOtherCompletion(@TempDir Path out) throws Exception {
    List<LabelRequest> pairs = List.of(
        new LabelRequest(new CandidatePair("0", Text.plain("q"), "good", "bad"), OptionalInt.of(0)),
        new LabelRequest(new CandidatePair("1", Text.plain("q"), "bad", "good"), OptionalInt.of(1)));
    ConstitutionalLabeller labeller = ConstitutionalLabeller.of(WorldPairs.constitution(), PREFERS_GOOD);
    List<PairLabel> labels = labeller.labelAll(pairs);
    assertEquals(0.9, labels.get(0).pCompletion0(), 1e-12);
    assertEquals(0.1, labels.get(1).pCompletion0(), 1e-12);
    LabellerReport report = LabellerReport.of(labels);
    assertEquals(1.0, report.positionConsistency());
    assertEquals(0.5, report.firstPositionRate());
    assertEquals(1.0, report.agreement().rate());

    LabelFiles.write(out, labeller, labels, report, "none");
    List<String> prefs = Files.readAllLines(out.resolve("preferences.jsonl"));
    for (String line : prefs) {
      JsonNode n = JSON.readTree(line);
      assertEquals("good", n.get("chosen").asText());
      assertEquals("bad", n.get("rejected").asText());
      assertEquals(0.9, n.get("p_chosen").asDouble(), 1e-12);
    }
    assertEquals(2, prefs.size());
  }

  @Test
  void failedRefusedAndInvalidVotesNeverBecomeLabels(@TempDir Path out) throws Exception {
    Judge judge = new Judge() {
      @Override public String id() {
        return "faulty";
      }

      @Override public List<Judgement> judge(List<Comparison> qs) {
        List<Judgement> js = new ArrayList<>();
        for (Comparison q : qs) {
          String both = q.first() + q.second();
          Outcome o = both.contains("fail") ? new Outcome.Failed("HTTP 500 after 2 retries")
              : both.contains("refuse") ? new Outcome.Refused("content_filter")
              : both.contains("odd") && q.first().equals("odd") ? new Outcome.Invalid("no option among top_logprobs")
              : new Outcome.Preferred(0.7);
          js.add(new Judgement(o, ""));
        }
        return js;
      }
    };
    List<LabelRequest> pairs = new ArrayList<>();
    for (String s : List.of("fail", "refuse", "odd", "fine")) {
      pairs.add(new LabelRequest(new CandidatePair(s, Text.plain("q"), s, "other"), OptionalInt.empty()));
    }
    ConstitutionalLabeller labeller = ConstitutionalLabeller.of(WorldPairs.constitution(), judge);
    List<PairLabel> labels = labeller.labelAll(pairs);
    assertInstanceOf(Outcome.Failed.class, labels.get(0).outcome());
    assertInstanceOf(Outcome.Refused.class, labels.get(1).outcome());
    // only the order showing "odd" first is invalid: one bad vote spoils the pair
    assertInstanceOf(Outcome.Invalid.class, labels.get(2).outcome());
    // 0.7 for whichever is shown first, in both orders: the two votes cancel to a tie
    assertInstanceOf(Outcome.Tie.class, labels.get(3).outcome());
    LabellerReport r = LabellerReport.of(labels);
    assertEquals(List.of(4, 0, 1, 1, 1, 1), List.of(r.pairs(), r.labelled(), r.ties(), r.invalid(), r.refused(),
        r.failed()));
    assertEquals(0.0, r.positionConsistency(), "the tie pair's two orders pick different completions");
    LabelFiles.write(out, labeller, labels, r, "none");
    assertEquals(List.of(), Files.readAllLines(out.resolve("preferences.jsonl")));
    List<String> rows = Files.readAllLines(out.resolve("labels.jsonl"));
    assertEquals(4, rows.size());
    assertEquals("HTTP 500 after 2 retries", JSON.readTree(rows.get(0)).get("reason").asText());
    JsonNode report = JSON.readTree(out.resolve("labeller.json").toFile());
    assertEquals(1, report.get("failed").asInt());
    assertEquals(1, report.get("invalid").asInt());
  }

  @Test
  void chainOfThoughtVotesAreClampedToPointFourPointSix() {
    Judge sure = new Judge() {
      @Override public String id() {
        return "sure";
      }

      @Override public List<Judgement> judge(List<Comparison> qs) {
        return qs.stream().map(q -> new Judgement(new Outcome.Preferred(q.first().equals("a") ? 0.99 : 0.01), ""))
            .toList();
      }
    };
    List<LabelRequest> pairs = List.of(new LabelRequest(new CandidatePair("0", Text.plain("q"), "a", "b"),
        OptionalInt.empty()));
    double plain = ConstitutionalLabeller.of(WorldPairs.constitution(), sure).labelAll(pairs).get(0).pCompletion0();
    double cot = ConstitutionalLabeller.of(WorldPairs.constitution(), sure,
        Settings.builder().chainOfThought(true).build()).labelAll(pairs).get(0).pCompletion0();
    assertEquals(0.99, plain, 1e-12);
    assertEquals(0.6, cot, 1e-12);
  }

  @Test
  void principleDrawsDependOnTheSeedAndThePairOnly() {
    List<LabelRequest> pairs = WorldPairs.requests(60, 13);
    WorldJudge judge = new WorldJudge(WorldPairs.WORLD, WorldJudge.Settings.defaults());
    List<String> big = principles(ConstitutionalLabeller.of(WorldPairs.constitution(), judge,
        Settings.builder().batchSize(64).build()).labelAll(pairs));
    List<String> small = principles(ConstitutionalLabeller.of(WorldPairs.constitution(), judge,
        Settings.builder().batchSize(7).build()).labelAll(pairs));
    List<String> reseeded = principles(ConstitutionalLabeller.of(WorldPairs.constitution(), judge,
        Settings.builder().seed(99).build()).labelAll(pairs));
    assertEquals(big, small);
    assertTrue(!big.equals(reseeded), "another seed draws other principles");
    assertEquals(3, big.stream().distinct().count(), "every principle is drawn: " + big);
  }

  private static List<String> principles(List<PairLabel> labels) {
    return labels.stream().map(l -> l.votes().get(0).principle()).toList();
  }

  @Test
  void wilsonIntervalMatchesTheFormula() {
    // statsmodels.stats.proportion.proportion_confint(80, 100, method="wilson") = (0.71117, 0.86664)
    Agreement a = new Agreement(100, 80);
    assertEquals(0.71117, a.low(), 1e-5);
    assertEquals(0.86664, a.high(), 1e-5);
    assertTrue(Double.isNaN(new Agreement(0, 0).rate()));
  }
}
