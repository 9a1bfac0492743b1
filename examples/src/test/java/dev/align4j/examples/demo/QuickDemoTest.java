package dev.align4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick demo runs every stage, with the loop part on its SFT model, and writes every output the full one does
 * (its numbers are too small to carry the acceptance lines, which the slow full-demo test checks).
 */
@Tag("integration")
class QuickDemoTest {
  @Test
  void theQuickDemoWritesEveryOutput(@TempDir Path dir) throws Exception {
    DemoSettings settings = DemoSettings.quick(1);
    DemoResult r = new DemoPipeline(settings, dir).run();
    LoopResult l = new LoopDemo(settings, dir, Optional.of(dir.resolve("sft").resolve("final"))).run();
    DemoFiles.write(r, Optional.empty(), Optional.of(l), dir);
    JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    for (String key : new String[] {"annotator_accuracy", "sft.gold_accuracy", "sft.content_accuracy",
        "sft.filler_rate", "reward_model.heldout_accuracy", "reward_model.length_correlation", "ppo.gold_accuracy",
        "ppo.content_accuracy", "ppo.filler_rate", "ppo.kl", "grpo.gold_accuracy", "grpo.content_accuracy",
        "grpo.filler_rate", "grpo.kl", "dpo.gold_accuracy", "dpo.content_accuracy", "dpo.filler_rate", "dpo.kl",
        "overoptimization.beta0.gold_accuracy_initial", "overoptimization.beta0.gold_accuracy_peak",
        "overoptimization.beta0.gold_accuracy_final", "overoptimization.beta0.proxy_reward_initial",
        "overoptimization.beta0.proxy_reward_final", "overoptimization.beta0.filler_rate_final",
        "overoptimization.fit.alpha", "overoptimization.fit.beta", "overoptimization.fit.r2", "wall_seconds",
        "seed"}) {
      assertTrue(at(s, key).isNumber(), "summary.json has a number at " + key);
    }
    // The quick trace is short: the fitted curve may not turn down measurably, and then d* is null with a note.
    JsonNode fit = at(s, "overoptimization.fit");
    if (fit.path("d_star").isNull()) {
      assertTrue(fit.path("note").asText().startsWith("no peak"), fit.toString());
    } else {
      assertTrue(fit.path("beta").asDouble() > 2 * fit.path("beta_standard_error").asDouble(), fit.toString());
    }
    assertEquals(1, s.get("seed").asInt());
    for (String f : new String[] {"report.html", "accuracy.png", "overoptimization.png", "reward.png", "kl.png",
        "metrics.jsonl", "samples.jsonl", "sft/final/model.safetensors", "rm/final/config.json"}) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    }
    assertTrue(r.table().contains("beta=0"), r.table());
    loopPartComparesArmsOnEqualTerms(l, settings, dir);
  }

  /**
   * The loop part, on the quick run's SFT model: every arm has a point per iteration, they end with the same label
   * count, and the two loops start alike (same first reward model, same probe pairs of SFT) and differ only in the
   * pairs they buy.
   */
  private static void loopPartComparesArmsOnEqualTerms(LoopResult l, DemoSettings settings, Path dir)
      throws Exception {
    LoopDemoSettings ls = settings.loop();
    int budget = ls.initialLabels() + ls.iterations() * ls.labelsPerIteration();
    assertEquals(LoopDemo.ARMS, List.copyOf(l.arms().keySet()));
    for (String arm : LoopDemo.ARMS) {
      assertEquals(ls.iterations(), l.arms().get(arm).size(), arm);
      assertEquals(budget, l.last(arm).labels(), arm + " ends with the common label budget\n" + l.table());
    }
    LoopResult.Point u = l.arms().get("loop_uncertainty").get(0);
    LoopResult.Point rnd = l.arms().get("loop_random").get(0);
    assertEquals(u.freshBefore(), rnd.freshBefore(), "both loops' first reward model on the same SFT pairs");
    assertNotEquals(u.selectedBefore(), rnd.selectedBefore(), "the two acquisitions bought the same pairs");
    assertTrue(Double.isNaN(l.arms().get("single_pass").get(0).freshAfter()), "the single pass never refreshes");
    JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(ls.iterations(), at(s, "loop.arms.loop_random").size(), s.toString());
    assertTrue(at(s, "loop.arms.single_pass").get(0).path("gold_accuracy").isNumber(), s.toString());
    assertTrue(Files.size(dir.resolve("loop.png")) > 0);
    assertTrue(Files.readString(dir.resolve("report.html")).contains("loop.png"));
    assertTrue(Files.isDirectory(dir.resolve("loop/loop_uncertainty/iter-2/policy")), "the loop's own folder");
  }

  private static JsonNode at(JsonNode root, String dotted) {
    JsonNode n = root;
    for (String part : dotted.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }
}
