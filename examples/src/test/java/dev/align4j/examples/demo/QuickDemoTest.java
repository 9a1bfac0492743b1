package dev.align4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick demo runs every stage and writes every output the full one does (its numbers are too small to carry
 * the acceptance lines, which the slow full-demo test checks).
 */
@Tag("integration")
class QuickDemoTest {
  @Test
  void theQuickDemoWritesEveryOutput(@TempDir Path dir) throws Exception {
    DemoResult r = new DemoPipeline(DemoSettings.quick(1), dir).run();
    DemoFiles.write(r, dir);
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
  }

  private static JsonNode at(JsonNode root, String dotted) {
    JsonNode n = root;
    for (String part : dotted.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }
}
