package dev.align4j.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskWorldTest {
  private final TaskWorld world = new TaskWorld(TaskConfig.defaults());

  @Test
  void answersFollowTheFamilies() {
    assertEquals("dcba", new Task(Family.REVERSE, "reverse: abcd", "dcba").answer());
    Random r = new Random(3);
    for (int i = 0; i < 500; i++) {
      Task t = world.sample(r, TaskWorld.Split.TRAIN);
      String arg = t.prompt().substring(t.prompt().indexOf(':') + 2);
      switch (t.family()) {
        case REVERSE -> assertEquals(new StringBuilder(arg).reverse().toString(), t.answer());
        case SORT -> assertEquals(arg.chars().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint,
            StringBuilder::append).toString(), t.answer());
        case MAX -> assertEquals(java.util.Arrays.stream(arg.split(" ")).mapToInt(Integer::parseInt).max()
            .orElseThrow(), Integer.parseInt(t.answer()));
        default -> throw new AssertionError("family not in the defaults: " + t.family());
      }
    }
  }

  @Test
  void splitIsDisjointAndHeldOutShareIsNearTheConfig() {
    Random r = new Random(5);
    Set<String> train = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      train.add(world.sample(r, TaskWorld.Split.TRAIN).prompt());
    }
    for (Task t : world.balanced(200, TaskWorld.Split.HELD_OUT, 7)) {
      assertFalse(train.contains(t.prompt()), t.prompt());
      assertEquals(TaskWorld.Split.HELD_OUT, world.splitOf(t.prompt()));
    }
    int held = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      held += world.splitOf("reverse: " + i) == TaskWorld.Split.HELD_OUT ? 1 : 0;
    }
    // heldOutShare 0.2 of a 1000-bucket hash: binomial sd over 20k draws is 0.003.
    assertEquals(0.2, held / (double) n, 0.015);
  }

  @Test
  void balancedIsBalancedAndSeeded() {
    List<Task> a = world.balanced(50, TaskWorld.Split.HELD_OUT, 11);
    assertEquals(a, world.balanced(50, TaskWorld.Split.HELD_OUT, 11));
    Map<Family, Integer> counts = new EnumMap<>(Family.class);
    a.forEach(t -> counts.merge(t.family(), 1, Integer::sum));
    assertEquals(Map.of(Family.REVERSE, 50, Family.SORT, 50, Family.MAX, 50), counts);
  }

  @Test
  void annotatorsAreRightAtTheConfiguredRateAndSlipsAreWrong() {
    Random r = new Random(13);
    int n = 40_000;
    int gold = 0;
    int content = 0;
    int filler = 0;
    for (int i = 0; i < n; i++) {
      Task t = world.sample(r, TaskWorld.Split.TRAIN);
      Verdict v = world.judge(t, world.annotate(t, r));
      gold += v.gold() ? 1 : 0;
      content += v.contentCorrect() ? 1 : 0;
      filler += v.filler() ? 1 : 0;
    }
    // Expected from the config: content 0.7, filler 0.1, gold 0.7 × 0.9 = 0.63; sd ≤ 0.0025 over 40k draws.
    assertEquals(0.7, content / (double) n, 0.01);
    assertEquals(0.1, filler / (double) n, 0.01);
    assertEquals(0.63, gold / (double) n, 0.01);
  }

  @Test
  void everySlipDiffersFromTheAnswer() {
    TaskWorld sloppy = new TaskWorld(new TaskConfig(List.of(Family.values()), "ab", 1, 3, 3, 0, 0, "sure! ", 0.3,
        0.05, 0.05, 0.2));
    Random r = new Random(17);
    for (int i = 0; i < 5000; i++) {
      Task t = sloppy.sample(r, TaskWorld.Split.TRAIN);
      assertNotEquals(t.answer(), sloppy.annotate(t, r), t.prompt());
    }
  }

  @Test
  void goldJudgeSeparatesContentFromFiller() {
    Task t = new Task(Family.SORT, "sort: cab", "abc");
    assertEquals(new Verdict(true, true, false), world.judge(t, "abc"));
    assertEquals(new Verdict(false, true, true), world.judge(t, "sure! abc"));
    assertEquals(new Verdict(false, false, true), world.judge(t, "sure! acb"));
    assertEquals(new Verdict(false, false, false), world.judge(t, "abcc"));
  }

  @Test
  void labellersLikeFillerAsMuchAsTheConfigSays() {
    Task t = new Task(Family.SORT, "sort: cab", "abc");
    // utility(correct) = 1 + 0.3·1; the filler twin adds 0.05; at temperature 0.05 the twin wins with
    // probability 1 / (1 + e^-1) = 0.7311.
    assertEquals(1.3, world.utility(t, "abc"), 1e-12);
    assertEquals(1.35, world.utility(t, "sure! abc"), 1e-12);
    assertEquals(0.3 / 3, world.utility(t, "acb"), 1e-12);   // only the first position agrees
    Random r = new Random(19);
    int n = 40_000;
    int twin = 0;
    for (int i = 0; i < n; i++) {
      twin += world.prefersFirst(t, "sure! abc", "abc", r) ? 1 : 0;
    }
    assertEquals(1 / (1 + Math.exp(-1)), twin / (double) n, 0.01);
  }

  @Test
  void alphabetCoversEverythingTheWorldWrites() {
    String alphabet = world.alphabet();
    Random r = new Random(23);
    for (int i = 0; i < 2000; i++) {
      Task t = world.sample(r, TaskWorld.Split.TRAIN);
      String text = t.promptText() + world.annotate(t, r);
      text.chars().forEach(c -> assertTrue(alphabet.indexOf(c) >= 0, "missing " + (char) c));
    }
  }

  @Test
  void configRejectsBadValuesByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskConfig(
        List.of(Family.SORT), "abc", 3, 6, 10, 1.5, 0.1, "sure! ", 0.3, 0.05, 0.05, 0.2));
    assertTrue(e.getMessage().contains("annotatorAccuracy") && e.getMessage().contains("1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TaskConfig(List.of(), "abc", 3, 6, 10, 0.7, 0.1,
        "sure! ", 0.3, 0.05, 0.05, 0.2));
    assertTrue(e.getMessage().contains("families"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TaskConfig(List.of(Family.SORT), "abc", 3, 6, 10, 0.7,
        0.1, "sure! ", 0.3, 0.05, 0, 0.2));
    assertTrue(e.getMessage().contains("labellerTemperature"), e.getMessage());
  }
}
