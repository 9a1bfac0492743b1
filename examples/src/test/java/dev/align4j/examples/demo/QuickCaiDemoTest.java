package dev.align4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick Constitutional AI part runs every stage and writes its outputs; the checks here are the ones its small
 * sizes still carry (the data-level effects of revision and of the judge's position bias, and the reward models'
 * filler bonus), each of which a broken reviser, labeller or soft-label loss would fail. The full run's directions
 * are reported in the README.
 */
@Tag("integration")
class QuickCaiDemoTest {
  @Test
  void theQuickCaiPartWritesItsOutputsAndShowsItsEffects(@TempDir Path dir) throws Exception {
    CaiResult r = new CaiDemo(DemoSettings.quick(1), dir.resolve("cai")).run();
    DemoFiles.writeCai(r, dir);
    System.err.print(r.table());
    JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile()).path("cai");
    for (String stage : new String[] {"sft_raw", "sft_cai", "grpo_human", "grpo_cai"}) {
      assertTrue(s.path(stage).path("gold_accuracy").isNumber(), stage + " in " + s);
    }
    for (String f : new String[] {"report.html", "cai/revise/sft.jsonl", "cai/revise/revisions.jsonl",
        "cai/label/preferences.jsonl", "cai/label/labels.jsonl", "cai/label/labeller.json",
        "cai/sft_cai/final/model.safetensors", "cai/rm_cai/final/config.json"}) {
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    }
    assertTrue(Files.readString(dir.resolve("report.html")).contains("Constitutional AI"));

    // Revision under "correct, no-filler, concise" fixes most faults: the targets are far more often gold.
    CaiResult.Demonstrations d = r.demonstrations();
    assertTrue(d.revisedGold() > d.rawGold() + 0.15, "revised demonstrations' gold " + d.revisedGold()
        + " vs raw " + d.rawGold());
    // The judge leans to the first-shown answer (bias 1.0): visible with one order, and asking both orders turns the
    // pairs its principles cannot decide into ties instead of first-position wins.
    assertTrue(r.oneOrder().firstPositionRate() > 0.6, "one-order first-position rate "
        + r.oneOrder().firstPositionRate());
    assertTrue(r.bothOrders().ties() > 0 && r.oneOrder().ties() == 0, "ties: both orders "
        + r.bothOrders().ties() + ", one order " + r.oneOrder().ties());
    // People reward filler; the constitution's judge penalises it, and the soft-label reward model learns that.
    double human = r.rewardModels().get("human").fillerBonus();
    double cai = r.rewardModels().get("cai").fillerBonus();
    assertTrue(cai < human, "filler bonus: RM_cai " + cai + " vs RM_human " + human);
  }
}
