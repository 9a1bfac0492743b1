package dev.align4j.examples.demo;

import static dev.align4j.core.eval.TaskScores.differenceStandardError;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.eval.TaskScores;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full demo's acceptance lines (issue 6), on the default seed, each effect asserted against its sampling error so
 * that the test fails when the effect is absent. Slow (about nine minutes on two cores): run with
 * {@code mvn -B verify -pl examples -am -DincludedTestGroups=slow -DexcludedTestGroups= -Dtest=FullDemoSlowTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Standard errors are those of {@link TaskScores} (held-out tasks as the sampled units); a difference of two
 * stages has at most {@code √(SE_a² + SE_b²)}. Single comparisons require 2 of them (one-sided p ≈ 0.02 when the
 * effect is absent). The over-optimisation drop compares the best of the trace's points with the last one: the
 * maximum over ten points is chosen after seeing them, so it requires 3 (p ≈ 0.0013 per point, about 0.013 over ten
 * by the union bound).
 */
@Tag("slow")
class FullDemoSlowTest {
  private static final double SINGLE = 2.0;
  private static final double SELECTED = 3.0;

  @Test
  void theFullDemoShowsWhyEachStageExists(@TempDir Path dir) throws Exception {
    DemoResult r = new DemoPipeline(DemoSettings.full(1), dir).run();
    DemoFiles.write(r, dir);
    TaskScores sft = r.stages().get("sft").scores();
    TaskScores ppo = r.stages().get("ppo").scores();
    TaskScores grpo = r.stages().get("grpo").scores();
    TaskScores dpo = r.stages().get("dpo").scores();
    TracePoint first = r.trace().get(0);
    TracePoint last = r.trace().get(r.trace().size() - 1);
    TracePoint peak = r.trace().stream().max(Comparator.comparingDouble(TracePoint::gold)).orElseThrow();
    TaskScores rlFiller = ppo.fillerRate() >= grpo.fillerRate() ? ppo : grpo;
    TaskScores bestRl = ppo.goldAccuracy() >= grpo.goldAccuracy() ? ppo : grpo;
    String table = r.table();
    assertAll(
        () -> assertTrue(r.wallSeconds() <= 600, "wall time " + r.wallSeconds() + "\n" + table),
        () -> assertTrue(Math.abs(sft.goldAccuracy() - r.annotatorAccuracy()) <= 0.1 && sft.goldAccuracy() < 0.85,
            "SFT sits near its annotators\n" + table),
        () -> assertTrue(r.rewardModel().accuracy() >= 0.8, table),
        () -> assertGain("PPO content over SFT", ppo.contentAccuracy(), ppo.contentStandardError(),
            sft.contentAccuracy(), sft.contentStandardError(), 0.1, SINGLE, table),
        () -> assertGain("GRPO content over SFT", grpo.contentAccuracy(), grpo.contentStandardError(),
            sft.contentAccuracy(), sft.contentStandardError(), 0.1, SINGLE, table),
        // the better of two RL stages is itself a selection of two: the 2-SE line over it is one-sided p ≈ 0.045
        () -> assertGain("best RL gold over SFT", bestRl.goldAccuracy(), bestRl.goldStandardError(),
            sft.goldAccuracy(), sft.goldStandardError(), 0.05, SINGLE, table),
        () -> assertGain("DPO gold over SFT", dpo.goldAccuracy(), dpo.goldStandardError(), sft.goldAccuracy(),
            sft.goldStandardError(), 0, SINGLE, table),
        () -> assertGain("beta=0 gold drop from its peak", peak.gold(), peak.goldStandardError(), last.gold(),
            last.goldStandardError(), 0.05, SELECTED, table),
        () -> assertGain("beta=0 proxy rise", last.proxy(), last.proxyStandardError(), first.proxy(),
            first.proxyStandardError(), 0, SINGLE, table),
        () -> assertTrue(last.filler() >= rlFiller.fillerRate() + 0.1, "beta=0 ends with more filler than the"
            + " leashed RL stages\n" + table));
  }

  /**
   * {@code a − b} must reach both {@code floor} and {@code k} standard errors of the difference.
   */
  private static void assertGain(String what, double a, double seA, double b, double seB, double floor, double k,
      String table) {
    double se = differenceStandardError(seA, seB);
    double need = Math.max(floor, k * se);
    assertTrue(a - b >= need, String.format(java.util.Locale.ROOT, "%s: %.3f - %.3f = %.3f, needs >= %.3f (%.0f SE"
        + " of %.3f, floor %.2f)%n%s", what, a, b, a - b, need, k, se, floor, table));
  }
}
