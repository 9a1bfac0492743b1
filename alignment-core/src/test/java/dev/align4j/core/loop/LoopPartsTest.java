package dev.align4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Comparison;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Judge;
import dev.align4j.api.judge.Judgement;
import dev.align4j.api.judge.Outcome;
import dev.align4j.api.judge.Principle;
import dev.align4j.core.cai.ConstitutionalLabeller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's parts that need no model: prompt slices, pairing, the human hand-off, labels, diversity, config. */
class LoopPartsTest {
  private static List<Prompt> prompts(int n) {
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Prompt.of("p" + i));
    }
    return out;
  }

  @Test
  void slicesAreDisjointAndRunningOutNamesHowManyAreNeeded() throws Exception {
    PromptSource s = PromptSource.slices(prompts(10));
    assertEquals(List.of(Prompt.of("p0"), Prompt.of("p1"), Prompt.of("p2")), s.next(1, 3));
    assertEquals(List.of(Prompt.of("p3"), Prompt.of("p4"), Prompt.of("p5")), s.next(2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.next(4, 3));
    assertTrue(e.getMessage().contains("has 10 prompts but iteration 4 of 3 prompts per iteration needs 12"),
        e.getMessage());
  }

  @Test
  void identicalAndRepeatedSamplesMakeNoCandidate() {
    List<List<String>> samples = List.of(List.of("a", "a", "b"), List.of("x", "y", "z"));
    List<CandidatePair> all = CandidatePairs.of(2, prompts(2), samples, Pairing.ALL);
    // prompt 0: (a,a) identical, (a,b) once though two samples are a; prompt 1: three pairs
    assertEquals(List.of("2-0-0-2", "2-1-0-1", "2-1-0-2", "2-1-1-2"), all.stream().map(CandidatePair::id).toList());
    List<CandidatePair> adjacent = CandidatePairs.of(1, prompts(2), samples, Pairing.ADJACENT);
    assertEquals(List.of("1-0-1-2", "1-1-0-1", "1-1-1-2"), adjacent.stream().map(CandidatePair::id).toList());
  }

  private static List<CandidatePair> pairs() {
    return List.of(new CandidatePair("1-0-0-1", Text.plain("q"), "a", "b"),
        new CandidatePair("1-1-0-1", Text.plain("r"), "c", "d"));
  }

  @Test
  void humanLabelsAreAskedForThenReadHardAndSoft(@TempDir Path dir) throws Exception {
    LoopLabeller human = new LoopLabeller.Human();
    LabelOutcome first = human.label(1, pairs(), dir);
    LabelOutcome.Needed needed = assertInstanceOf(LabelOutcome.Needed.class, first);
    assertEquals(2, needed.pairs());
    assertEquals(List.of("{\"id\":\"1-0-0-1\",\"prompt\":\"q\",\"completions\":[\"a\",\"b\"]}",
        "{\"id\":\"1-1-0-1\",\"prompt\":\"r\",\"completions\":[\"c\",\"d\"]}"), Files.readAllLines(needed.toLabel()));
    Files.writeString(needed.labels(), "{\"id\": \"1-1-0-1\", \"p\": 0.25}\n\n{\"id\": \"1-0-0-1\", \"label\": 1}\n");
    LabelOutcome.Labelled got = assertInstanceOf(LabelOutcome.Labelled.class, human.label(1, pairs(), dir));
    assertEquals(List.of(new LoopLabel("1-0-0-1", 0.0), new LoopLabel("1-1-0-1", 0.25)), got.labels(),
        "in the selection's order; label 1 means the second completion is better");
  }

  private static String error(Path dir, String labels) throws Exception {
    Files.writeString(dir.resolve(LoopLabeller.Human.LABELS), labels);
    return assertThrows(IllegalArgumentException.class, () -> new LoopLabeller.Human().label(1, pairs(), dir))
        .getMessage();
  }

  @Test
  void badLabelsAreNamedWithFileLineAndField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(LoopLabeller.Human.LABELS);
    assertTrue(error(dir, "{\"id\": \"1-0-0-1\", \"label\": 2}\n").startsWith(file + ":1: field 'label': expected 0"
        + " or 1"));
    assertTrue(error(dir, "{\"id\": \"1-0-0-1\", \"label\": 0}\n{\"id\": \"1-1-0-1\", \"p\": 1.5}\n")
        .startsWith(file + ":2: field 'p': expected a number in [0, 1]"));
    assertTrue(error(dir, "{\"id\": \"1-0-0-1\", \"label\": 0}\n").contains("1 of 2 pairs have no label: [1-1-0-1]"));
    assertTrue(error(dir, "{\"id\": \"zz\", \"label\": 0}\n").startsWith(file + ":1: field 'id': 'zz' is not a pair"));
    assertTrue(error(dir, "{\"id\": \"1-0-0-1\", \"label\": 0}\n{\"id\": \"1-0-0-1\", \"p\": 0.5}\n")
        .contains(":2: field 'id': '1-0-0-1' is labelled twice"));
    assertTrue(error(dir, "{\"id\": \"1-0-0-1\", \"label\": 0, \"p\": 0.3}\n").contains("give exactly one of"));
    assertTrue(error(dir, "not json\n").startsWith(file + ":1: not a JSON object"));
  }

  @Test
  void aConstitutionalJudgeGivesSoftLabelsAndTiesAndInvalidAnswersAreCountedNotLabelled() throws Exception {
    Judge longer = new Judge() {
      @Override
      public String id() {
        return "longer";
      }

      @Override
      public List<Judgement> judge(List<Comparison> questions) {
        return questions.stream().map(q -> new Judgement(q.first().equals("?") || q.second().equals("?")
            ? new Outcome.Invalid("no option") : q.first().length() == q.second().length() ? new Outcome.Tie()
            : new Outcome.Preferred(q.first().length() > q.second().length() ? 0.8 : 0.2), "")).toList();
      }
    };
    Constitution c = new Constitution("c", List.of(new Principle("p", Optional.empty(), Optional.empty(),
        Optional.of("Which is better?"))), List.of());
    LoopLabeller l = new LoopLabeller.Constitutional(ConstitutionalLabeller.of(c, longer));
    List<CandidatePair> pairs = List.of(new CandidatePair("a", Text.plain("q"), "long", "s"),
        new CandidatePair("b", Text.plain("q"), "s", "long"), new CandidatePair("c", Text.plain("q"), "ab", "cd"),
        new CandidatePair("d", Text.plain("q"), "?", "cd"));
    LabelOutcome.Labelled out = assertInstanceOf(LabelOutcome.Labelled.class, l.label(1, pairs, Path.of(".")));
    assertEquals(List.of("a", "b"), out.labels().stream().map(LoopLabel::id).toList());
    assertEquals(0.8, out.labels().get(0).pFirst(), 1e-12, "both orders agree on the longer answer");
    assertEquals(0.2, out.labels().get(1).pFirst(), 1e-12);
    assertEquals(java.util.Map.of("tie", 1, "invalid", 1), out.dropped());
  }

  @Test
  void aLabelBecomesAPairWithTheLikelierSideChosen() {
    Candidate c = new Candidate("i", Text.plain("q"), "a", "b", new double[] {0.0});
    PreferencePair p = new LoopLabel("i", 0.2).toPair(c);
    assertEquals(Text.plain("b"), p.chosen());
    assertEquals(0.8, p.pChosen().getAsDouble(), 1e-12);
    assertEquals(1.0, new LoopLabel("i", 1).toPair(c).pChosen().getAsDouble());
  }

  @Test
  void freshAccuracyCountsAModelWithoutOpinionAsHalfAndSkipsLabelsWithoutOne() {
    List<Candidate> scored = List.of(new Candidate("a", Text.plain("q"), "x", "y", new double[] {1.0}),
        new Candidate("b", Text.plain("q"), "x", "y", new double[] {0.0}),
        new Candidate("c", Text.plain("q"), "x", "y", new double[] {-2.0}),
        new Candidate("d", Text.plain("q"), "x", "y", new double[] {3.0}));
    List<LoopLabel> labels = List.of(new LoopLabel("a", 1), new LoopLabel("b", 1), new LoopLabel("c", 1),
        new LoopLabel("d", 0.5));
    assertEquals((1 + 0.5 + 0) / 3, LoopEvaluation.agreement(scored, labels), 1e-12);
  }

  @Test
  void diversityMeasuresCountTokens() {
    int[] a = {1, 2, 3};
    assertEquals(1.0, Diversity.similarity(a, a));
    assertEquals(1 - 1 / 3.0, Diversity.similarity(a, new int[] {1, 3}), 1e-12);
    assertEquals(0.0, Diversity.similarity(new int[] {1}, new int[] {2}));
    assertEquals(1.0, Diversity.similarity(new int[0], new int[0]));
    assertEquals(0.5, Diversity.distinctN(List.of(a, a), 1), 1e-12);
    assertEquals(2 / 4.0, Diversity.distinctN(List.of(a, a), 2), 1e-12);
    assertEquals(1.0, Diversity.selfSimilarity(List.of(List.of(a, a), List.of(new int[] {5}))),
        "a prompt with one sample is skipped");
  }

  @Test
  void theConfigRefusesWhatItCannotDo() {
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
        () -> LoopConfig.builder().samplesPerPrompt(1).build());
    assertTrue(n.getMessage().contains("samples-per-prompt must be >= 2"), n.getMessage());
    IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
        () -> LoopConfig.builder().sftEvery(-1).build());
    assertTrue(m.getMessage().contains("sft-every must be >= 0"), m.getMessage());
    LoopConfig refreshing = LoopConfig.builder().sftEvery(2).build();
    assertEquals(refreshing.sft().toMap(), refreshing.toMap().get("sft"), "config.json records the refresh settings");
    IllegalStateException noDemos = assertThrows(IllegalStateException.class, () -> AlignmentLoop.of(refreshing)
        .prompts((k, count) -> List.of()).labeller(new LoopLabeller.Human()).run(null, null, null));
    assertTrue(noDemos.getMessage().contains("call demonstrations(...)"), noDemos.getMessage());
    LoopConfig c = LoopConfig.builder().build();
    assertEquals(c.rl().rl().sampling(), c.sampling(), "candidates are sampled as the RL pass samples");
    assertEquals(0.04, c.rl().rl().beta(), "the loop leashes its RL passes by default");
  }
}
