package dev.align4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Wrong inputs are rejected with a message naming the argument, the constraint and the value. */
class CpuKernelProviderTest {
  private final KernelProvider k = new CpuKernelProvider();

  private static void assertRejected(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
    }
  }

  @Test
  void nanRewardIsRejected() {
    float[] r = {1f, Float.NaN, 0f, 1f};
    assertRejected(() -> k.groupAdvantages(GroupAdvantageParams.of(2, RewardScaling.GROUP), r, 4, new float[4]),
        "rewards", "finite", "NaN", "index 1");
    assertRejected(() -> k.gae(GaeParams.of(1, 0.95), r, new float[4], new float[] {1, 1, 1, 1}, 1, 4,
        new float[4], null, null), "rewards", "finite", "NaN");
    assertRejected(() -> k.klPenalizedRewards(KlPenalty.of(0.05, KlEstimator.K1), new float[] {Float.NaN},
        new float[2], new float[2], new float[] {1, 1}, null, 1, 2, new float[2], null, null), "scores", "NaN");
  }

  @Test
  void mismatchedShapesAreRejected() {
    assertRejected(() -> k.tokenLogprobs(new float[10], new int[2], 2, 4, 1f, new float[2]),
        "logits", "length 8", "[rows][vocab]", "got 10");
    assertRejected(() -> k.fullKl(new float[8], new float[6], 2, 4, new float[2]), "refLogits", "length 8", "got 6");
    assertRejected(() -> k.whiten(new float[3], new float[4], 4, Whitening.CENTER, new float[4]),
        "values", "length 4", "got 3");
  }

  @Test
  void anEmptyOrIncompleteGroupIsRejected() {
    GroupAdvantageParams p = GroupAdvantageParams.of(4, RewardScaling.GROUP);
    assertRejected(() -> k.groupAdvantages(p, new float[0], 0, new float[0]), "count", "multiple of groupSize 4",
        "got 0");
    assertRejected(() -> k.groupAdvantages(p, new float[6], 6, new float[6]), "multiple of groupSize 4", "got 6");
  }

  @Test
  void aMaskThatIsNotZeroOrOneIsRejected() {
    assertRejected(() -> k.whiten(new float[] {1, 2, 3}, new float[] {1, 0.5f, 1}, 3, Whitening.CENTER,
        new float[3]), "mask", "only 0 or 1", "0.5", "index 1");
    assertRejected(() -> k.klPerToken(new float[2], new float[2], new float[] {2, 1}, 2, KlEstimator.K3,
        new float[2]), "mask", "only 0 or 1", "2.0");
  }

  @Test
  void aMaskWithHolesIsRejectedWhereAPrefixIsRequired() {
    assertRejected(() -> k.klPenalizedRewards(KlPenalty.of(0.05, KlEstimator.K1), new float[] {1},
        new float[3], new float[3], new float[] {1, 0, 1}, null, 1, 3, new float[3], null, null),
        "mask", "right-padded prefix", "row 0");
  }

  @Test
  void tokensOutsideTheVocabularyAreRejected() {
    assertRejected(() -> k.tokenLogprobs(new float[8], new int[] {0, 4}, 2, 4, 1f, new float[2]),
        "tokens[1]", "[0, 4)", "got 4");
  }

  @Test
  void theLastResponseTokenPlacementRejectsAnEmptyRow() {
    assertRejected(() -> k.klPenalizedRewards(KlPenalty.of(0.05, KlEstimator.K1), new float[] {1, 2},
        new float[4], new float[4], new float[] {1, 1, 0, 0}, null, 2, 2, new float[4], null, null),
        "row 1 is empty", "LAST_RESPONSE_TOKEN");
  }

  @Test
  void theScoreLandsOnTheLastResponseTokenByDefault() {
    float[] rewards = new float[6];
    int[] index = new int[2];
    // kl = 0 (equal log-probs), so the rewards hold only the scores
    k.klPenalizedRewards(KlPenalty.of(0.1, KlEstimator.K1), new float[] {2f, -1f}, new float[6], new float[6],
        new float[] {1, 1, 0, 1, 1, 1}, null, 2, 3, rewards, null, index);
    assertArrayEquals(new int[] {1, 2}, index);
    assertArrayEquals(new float[] {0, 2, 0, 0, 0, -1}, rewards, 0f); // numeric comparison: −β·0 is −0.0
    k.klPenalizedRewards(KlPenalty.of(0.1, KlEstimator.K1).with(ScorePlacement.AFTER_RESPONSE_TRL),
        new float[] {2f, -1f}, new float[6], new float[6], new float[] {1, 1, 0, 1, 1, 1}, null, 2, 3, rewards,
        null, index);
    assertArrayEquals(new int[] {2, 2}, index, "TRL: first padding slot, or the last slot of a full row");
  }

  @Test
  void theCpuProviderIsFoundThroughTheServiceLoader() {
    assertEquals("cpu", KernelProviders.best().name());
    assertTrue(KernelProviders.usable().stream().anyMatch(p -> p instanceof CpuKernelProvider));
  }

  @Test
  void aProviderNamedByThePropertyMustExist() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KernelProviders.select("warp-drive"));
    assertTrue(e.getMessage().contains("align4j.kernels=warp-drive names no provider"), e.getMessage());
  }
}
