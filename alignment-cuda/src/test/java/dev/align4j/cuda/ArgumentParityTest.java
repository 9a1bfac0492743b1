package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;
import dev.align4j.core.kernel.CpuKernelProvider;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * A caller's mistake reads the same from the CUDA provider as from the CPU provider: same exception type, same
 * message. The CUDA provider checks its arguments on the host before it touches the device, so this holds (and is
 * tested) on a machine without a GPU too.
 */
class ArgumentParityTest {
  private static final float[] ROW = {0.5f, -1f, 2f};
  private static final GaeParams GAE = GaeParams.of(1.0, 0.95);

  static Stream<Arguments> mistakes() {
    return Stream.of(
        call("logits of the wrong length", k -> k.tokenLogprobs(new float[5], new int[2], 2, 3, 1f, new float[2])),
        call("temperature 0", k -> k.tokenLogprobs(new float[6], new int[2], 2, 3, 0f, new float[2])),
        call("NaN temperature", k -> k.entropy(new float[6], 2, 3, Float.NaN, new float[2])),
        call("token out of range", k -> k.tokenLogprobs(new float[6], new int[] {0, 3}, 2, 3, 1f, new float[2])),
        call("vocab 0", k -> k.fullKl(new float[0], new float[0], 2, 0, new float[2])),
        call("negative rows", k -> k.entropy(new float[0], -1, 3, 1f, new float[0])),
        call("ref of the wrong length", k -> k.fullKl(ROW, new float[2], 1, 3, new float[1])),
        call("mask not 0/1", k -> k.klPerToken(ROW, ROW, new float[] {1, 0.5f, 0}, 3, KlEstimator.K3,
            new float[3])),
        call("null estimator", k -> k.klPerToken(ROW, ROW, null, 3, null, new float[3])),
        call("mask with a hole", k -> k.klPenalizedRewards(KlPenalty.of(0.1, KlEstimator.K1), new float[1], ROW,
            ROW, new float[] {1, 0, 1}, null, 1, 3, new float[3], null, null)),
        call("NaN score", k -> k.klPenalizedRewards(KlPenalty.of(0.1, KlEstimator.K1), new float[] {Float.NaN},
            ROW, ROW, new float[] {1, 1, 0}, null, 1, 3, new float[3], null, null)),
        call("empty row, score on the last token", k -> k.klPenalizedRewards(KlPenalty.of(0.1, KlEstimator.K1),
            new float[2], new float[6], new float[6], new float[] {1, 1, 0, 0, 0, 0}, null, 2, 3, new float[6], null,
            null)),
        call("penalty without containEos", k -> k.klPenalizedRewards(
            KlPenalty.of(0.1, KlEstimator.K3).withMissingEosPenalty(1.0), new float[1], ROW, ROW,
            new float[] {1, 1, 0}, null, 1, 3, new float[3], null, null)),
        call("gae with one valid position", k -> k.gae(GAE, ROW, ROW, new float[] {1, 0, 0}, 1, 3, new float[3],
            null, null)),
        call("gae with NaN reward", k -> k.gae(GAE, new float[] {0, Float.NaN, 0}, ROW, new float[] {1, 1, 0}, 1, 3,
            new float[3], null, null)),
        call("gae with an infinite value on the value mask", k -> k.gae(GAE.with(ScorePlacement.AFTER_RESPONSE_TRL),
            ROW, new float[] {0, 0, Float.POSITIVE_INFINITY}, new float[] {1, 1, 0}, 1, 3, new float[3], null, null)),
        call("gae returns of the wrong length", k -> k.gae(GAE, ROW, ROW, new float[] {1, 1, 0}, 1, 3, new float[3],
            null, new float[2])),
        call("whiten with one valid position", k -> k.whiten(ROW, new float[] {0, 1, 0}, 3, Whitening.CENTER,
            new float[3])),
        call("whiten with NaN on the mask", k -> k.whiten(new float[] {1, Float.NaN, 2}, new float[] {1, 1, 1}, 3,
            Whitening.KEEP_MEAN, new float[3])),
        call("incomplete group", k -> k.groupAdvantages(GroupAdvantageParams.of(4, RewardScaling.GROUP),
            new float[6], 6, new float[6])),
        call("NaN reward", k -> k.groupAdvantages(GroupAdvantageParams.of(2, RewardScaling.NONE),
            new float[] {1, Float.NaN}, 2, new float[2])),
        call("weights for the wrong number of functions", k -> k.groupAdvantages(new GroupAdvantageParams(2,
            RewardScaling.GROUP, MultiRewardAggregation.NORMALIZE_THEN_SUM, new float[] {1, 2, 3}), new float[4], 2,
            2, new float[2])));
  }

  private static Arguments call(String name, Consumer<KernelProvider> c) {
    return Arguments.of(name, c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void sameMessageAsTheCpuProvider(String name, Consumer<KernelProvider> call) {
    RuntimeException cpu = assertThrows(RuntimeException.class, () -> call.accept(new CpuKernelProvider()));
    RuntimeException cuda = assertThrows(RuntimeException.class, () -> call.accept(new CudaKernelProvider()));
    assertEquals(cpu.getClass(), cuda.getClass(), name);
    assertEquals(cpu.getMessage(), cuda.getMessage(), name);
    assertTrue(cpu instanceof IllegalArgumentException || cpu instanceof NullPointerException, cpu.toString());
  }

  @Test
  void aValidCallWithoutADeviceNamesTheReason() {
    CudaStatus status = CudaLibrary.status();
    assumeFalse(status.usable(), "a device is usable here");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new CudaKernelProvider().fullKl(ROW, ROW, 1, 3, new float[1]));
    assertEquals("CUDA is not usable here: " + status.detail()
        + " (KernelProviders.best() falls back to the CPU provider)", e.getMessage());
  }
}
