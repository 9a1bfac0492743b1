package dev.align4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full demo's acceptance lines (issue 6), on the default seed. Slow (about eight minutes on two cores): run with
 * {@code mvn -B verify -pl examples -am -DincludedTestGroups=slow -DexcludedTestGroups= -Dtest=FullDemoSlowTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class FullDemoSlowTest {
  @Test
  void theFullDemoShowsWhyEachStageExists(@TempDir Path dir) throws Exception {
    DemoResult r = new DemoPipeline(DemoSettings.full(1), dir).run();
    DemoFiles.write(r, dir);
    double sftGold = r.stages().get("sft").scores().goldAccuracy();
    double sftContent = r.stages().get("sft").scores().contentAccuracy();
    double ppoGold = r.stages().get("ppo").scores().goldAccuracy();
    double grpoGold = r.stages().get("grpo").scores().goldAccuracy();
    TracePoint first = r.trace().get(0);
    TracePoint last = r.trace().get(r.trace().size() - 1);
    double peak = r.trace().stream().max(Comparator.comparingDouble(TracePoint::gold)).orElseThrow().gold();
    double rlFiller = Math.max(r.stages().get("ppo").scores().fillerRate(),
        r.stages().get("grpo").scores().fillerRate());
    String table = r.table();
    assertAll(
        () -> assertTrue(r.wallSeconds() <= 600, "wall time " + r.wallSeconds() + "\n" + table),
        () -> assertTrue(Math.abs(sftGold - r.annotatorAccuracy()) <= 0.1 && sftGold < 0.85, table),
        () -> assertTrue(r.rewardModel().accuracy() >= 0.8, table),
        () -> assertTrue(r.stages().get("ppo").scores().contentAccuracy() >= sftContent + 0.1, table),
        () -> assertTrue(r.stages().get("grpo").scores().contentAccuracy() >= sftContent + 0.1, table),
        () -> assertTrue(Math.max(ppoGold, grpoGold) >= sftGold + 0.05, table),
        () -> assertTrue(r.stages().get("dpo").scores().goldAccuracy() >= sftGold, table),
        () -> assertTrue(peak - last.gold() >= 0.05 && last.proxy() > first.proxy(), table),
        () -> assertTrue(last.filler() >= rlFiller + 0.1, table));
  }
}
