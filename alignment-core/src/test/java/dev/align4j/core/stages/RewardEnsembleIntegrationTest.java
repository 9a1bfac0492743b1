package dev.align4j.core.stages;

import static dev.align4j.core.stages.AnimalWorld.Split.HELD_OUT;
import static dev.align4j.core.stages.AnimalWorld.Split.TRAIN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.loop.Acquisition;
import dev.align4j.core.loop.Candidate;
import dev.align4j.core.loop.CandidateScoring;
import dev.align4j.core.loop.Conservative;
import dev.align4j.core.loop.EnsembleTrainer;
import dev.align4j.core.loop.EnsembleTraining;
import dev.align4j.core.loop.RewardEnsemble;
import dev.align4j.core.reward.RewardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-member reward ensemble on the animal world from tiny-llama: bootstrap members differ, the conservative score
 * sits under every member, a refresh moves every member and keeps K, and closing the ensemble frees its members.
 */
@Tag("integration")
class RewardEnsembleIntegrationTest {
  private static final RewardConfig CONFIG = RewardConfig.builder().learningRate(1e-3).epochs(1).maxSteps(30)
      .batchSize(16).warmupRatio(0.1).maxLength(64).logEvery(10).build();

  private static List<CompletionSample> samples(List<PreferencePair> pairs) {
    List<CompletionSample> out = new ArrayList<>();
    for (PreferencePair p : pairs) {
      String prompt = ((Text.Plain) p.prompt()).text();
      out.add(CompletionSample.of(prompt, ((Text.Plain) p.chosen()).text()));
      out.add(CompletionSample.of(prompt, ((Text.Plain) p.rejected()).text()));
    }
    return out;
  }

  private static double maxAbsDifference(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  @Test
  void bootstrapMembersDifferScoreConservativelyAndRefreshMovesEveryMember(@TempDir Path dir) throws Exception {
    List<PreferencePair> train = AnimalWorld.preferences(240, 3, TRAIN);
    List<PreferencePair> heldOut = AnimalWorld.preferences(40, 4, HELD_OUT);
    List<PreferencePair> fresh = AnimalWorld.preferences(64, 5, TRAIN);
    List<CompletionSample> probe = samples(heldOut);                        // 2N = 80 samples
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama())) {
      EnsembleTraining trained = EnsembleTrainer.of(CONFIG, 3, 7).runFolder(dir.resolve("rm"))
          .trainMeasured(base, train, heldOut, new Conservative.Mean());
      RewardEnsemble ensemble = trained.ensemble();
      RewardEnsemble worst = ensemble.withAggregate(new Conservative.WorstCase());
      try (ensemble) {
        assertEquals(3, ensemble.size());
        for (int i = 0; i < 3; i++) {
          assertTrue(Files.isDirectory(dir.resolve("rm/member-" + i)), "member " + i + "'s run folder");
        }
        double accuracy = trained.meanMetric("eval/accuracy");
        assertTrue(accuracy > 0.7, "members learned the world: mean held-out accuracy " + accuracy);

        double[][] s = ensemble.memberScores(probe);
        assertEquals(3, s.length, "[member][sample]");
        for (double[] row : s) {
          assertEquals(probe.size(), row.length, "[member][sample]");
        }
        double d01 = maxAbsDifference(s[0], s[1]);
        double d12 = maxAbsDifference(s[1], s[2]);
        System.out.printf(Locale.ROOT, "ensemble: held-out accuracy %.3f, member score differences %.4f, %.4f%n",
            accuracy, d01, d12);
        assertTrue(d01 > 1e-3 && d12 > 1e-3, "bootstrap members differ: " + d01 + ", " + d12);

        double[] mean = ensemble.score(probe);
        double[] low = worst.score(probe);
        for (int j = 0; j < probe.size(); j++) {
          assertEquals((s[0][j] + s[1][j] + s[2][j]) / 3, mean[j], 1e-9, "mean of the members at " + j);
          for (int k = 0; k < 3; k++) {
            assertTrue(low[j] <= s[k][j], "worst case above member " + k + " at sample " + j);
          }
        }
        assertSame(ensemble.members(), worst.members(), "the view shares the members");

        List<CandidatePair> pairs = new ArrayList<>();
        for (int j = 0; j < heldOut.size(); j++) {
          PreferencePair p = heldOut.get(j);
          pairs.add(new CandidatePair("p" + j, p.prompt(), ((Text.Plain) p.chosen()).text(),
              ((Text.Plain) p.rejected()).text()));
        }
        List<Candidate> candidates = CandidateScoring.score(ensemble, pairs);
        assertEquals(heldOut.size(), candidates.size());
        for (int j = 0; j < candidates.size(); j++) {
          double[] m = candidates.get(j).margins();
          for (int k = 0; k < 3; k++) {
            assertEquals(s[k][2 * j] - s[k][2 * j + 1], m[k], 1e-12, "member " + k + "'s margin of pair " + j);
          }
        }
        assertEquals(8, new Acquisition.Disagreement().select(candidates, 8).size());
        assertEquals(8, new Acquisition.Uncertainty().select(candidates, 8).size());

        // refresh: a few steps on fresh labels, another seed for other resamples
        RewardConfig refreshConfig = CONFIG.toBuilder().maxSteps(8).build();
        try (RewardEnsemble refreshed = EnsembleTrainer.of(refreshConfig, 3, 100).refresh(ensemble, fresh,
            heldOut)) {
          assertEquals(3, refreshed.size(), "K members kept");
          assertEquals(new Conservative.Mean(), refreshed.aggregate(), "the aggregate kept");
          double[][] after = refreshed.memberScores(probe);
          for (int k = 0; k < 3; k++) {
            double moved = maxAbsDifference(s[k], after[k]);
            assertTrue(moved > 1e-3, "member " + k + " moved by the refresh: " + moved);
          }
          assertArrayEquals(s[1], ensemble.memberScores(probe)[1], 0, "the refreshed-from ensemble is unchanged");
          assertThrows(IllegalArgumentException.class, () -> EnsembleTrainer.of(refreshConfig, 2, 1)
              .refresh(refreshed, fresh, heldOut), "a trainer of another K");
        }
      }
      // closing the ensemble closed its members, for the view too
      for (AlignRewardModel m : ensemble.members()) {
        assertThrows(IllegalStateException.class, () -> m.score(probe), "member closed with the ensemble");
      }
      assertThrows(IllegalStateException.class, () -> worst.score(probe), "the view's members are the same");
      ensemble.close();                                                     // closing twice does nothing
    }
  }
}
