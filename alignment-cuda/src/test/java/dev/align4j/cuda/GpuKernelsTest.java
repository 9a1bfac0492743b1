package dev.align4j.cuda;

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
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.kernel.Whitening;
import dev.align4j.core.conformance.ConformanceRunner;
import dev.align4j.core.kernel.CpuKernelProvider;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * On a GPU: the conformance vectors, random comparisons with the CPU provider and with the host emulation, device
 * memory round trips and CUDA's own error reports. Tagged {@code gpu}, which the default build excludes; skipped with
 * the loader's reason where no device is usable. gpu-check.sh runs these through {@link GpuTestLauncher}.
 */
@Tag("gpu")
class GpuKernelsTest {
  private static final KernelProvider CPU = new CpuKernelProvider();
  private static final KernelProvider GPU = new CudaKernelProvider();

  @BeforeEach
  void device() {
    NativeLibraryAssumption.assumeDevice();
  }

  @TestFactory
  Stream<DynamicTest> publicVectorsOnTheDevice() {
    return HostEmulationConformanceTest.cases(ConformanceRunner.kernelsOnly(List.of(GPU)), "conformance",
        HostEmulationConformanceTest.PUBLIC_KERNEL_CASES);
  }

  @TestFactory
  Stream<DynamicTest> align4jVectorsOnTheDevice() {
    return HostEmulationConformanceTest.cases(ConformanceRunner.kernelsOnly(List.of(GPU)), "conformance-extra",
        HostEmulationConformanceTest.EXTRA_KERNEL_CASES);
  }

  @Test
  void theBestProviderIsCuda() {
    assertEquals(System.getProperty(KernelProviders.PROPERTY) == null ? "cuda" : System.getProperty(
        KernelProviders.PROPERTY), KernelProviders.best().name());
  }

  @Test
  void softmaxRowsAgreeWithTheCpuAndTheEmulation() {
    SplittableRandom r = new SplittableRandom(11);
    int[][] shapes = {{1, 1}, {3, 5}, {7, 31}, {5, 1003}, {64, 32000}, {9, 50257}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int vocab = shape[1];
      float[] logits = HostEmulationProperties.gaussian(r, rows * vocab, 4);
      float[] ref = HostEmulationProperties.gaussian(r, rows * vocab, 4);
      int[] tokens = r.ints(rows, 0, vocab).toArray();
      for (KernelProvider other : List.of(CPU, CudaKernelProvider.hostEmulation())) {
        float[] a = new float[rows];
        float[] b = new float[rows];
        String at = " " + rows + "x" + vocab + " vs " + other.name();
        other.tokenLogprobs(logits, tokens, rows, vocab, 0.7f, a);
        GPU.tokenLogprobs(logits, tokens, rows, vocab, 0.7f, b);
        HostEmulationProperties.close("token_logprobs" + at, a, b, 1e-5, 1e-6);
        other.entropy(logits, rows, vocab, 0.7f, a);
        GPU.entropy(logits, rows, vocab, 0.7f, b);
        HostEmulationProperties.close("entropy" + at, a, b, 1e-5, 1e-5);
        other.fullKl(logits, ref, rows, vocab, a);
        GPU.fullKl(logits, ref, rows, vocab, b);
        HostEmulationProperties.close("full_kl" + at, a, b, 1e-5, 1e-5);
      }
    }
  }

  @Test
  void advantageKernelsAgreeWithTheCpu() {
    SplittableRandom r = new SplittableRandom(12);
    int batch = 64;
    int time = 1500;
    int n = batch * time;
    float[] mask = HostEmulationProperties.prefixMask(r, batch, time, 1);
    float[] lp = HostEmulationProperties.gaussian(r, n, 2);
    float[] ref = HostEmulationProperties.gaussian(r, n, 2);
    float[] scores = HostEmulationProperties.gaussian(r, batch, 1);
    for (KlEstimator e : KlEstimator.values()) {
      float[] a = new float[n];
      float[] b = new float[n];
      CPU.klPerToken(lp, ref, mask, n, e, a);
      GPU.klPerToken(lp, ref, mask, n, e, b);
      HostEmulationProperties.close("kl_per_token " + e, a, b, 1e-5, 1e-6);
    }
    for (ScorePlacement placement : ScorePlacement.values()) {
      KlPenalty p = new KlPenalty(0.05, KlEstimator.K3, placement, java.util.OptionalDouble.empty());
      float[] a = new float[n];
      float[] b = new float[n];
      int[] ia = new int[batch];
      int[] ib = new int[batch];
      CPU.klPenalizedRewards(p, scores, lp, ref, mask, null, batch, time, a, null, ia);
      GPU.klPenalizedRewards(p, scores, lp, ref, mask, null, batch, time, b, null, ib);
      HostEmulationProperties.close("rewards " + placement, a, b, 1e-5, 1e-6);
      assertArrayEquals(ia, ib);
      for (GaeParams.RewardWhitening w : GaeParams.RewardWhitening.values()) {
        GaeParams g = new GaeParams(0.99, 0.95, w, placement);
        float[] values = HostEmulationProperties.gaussian(r, n, 1);
        float[][] x = {new float[n], new float[n], new float[n]};
        float[][] y = {new float[n], new float[n], new float[n]};
        CPU.gae(g, a, values, mask, batch, time, x[0], x[1], x[2]);
        GPU.gae(g, a, values, mask, batch, time, y[0], y[1], y[2]);
        for (int k = 0; k < 3; k++) {
          HostEmulationProperties.close("gae " + placement + " " + w + " output " + k, x[k], y[k], 1e-5, 1e-6);
        }
      }
    }
    float[] a = new float[n];
    float[] b = new float[n];
    CPU.whiten(lp, mask, n, Whitening.KEEP_MEAN, a);
    GPU.whiten(lp, mask, n, Whitening.KEEP_MEAN, b);
    HostEmulationProperties.close("whiten", a, b, 1e-5, 1e-6);
  }

  @Test
  void groupAdvantagesAgreeWithTheCpu() {
    SplittableRandom r = new SplittableRandom(13);
    int groups = 1000;
    int g = 64;
    int functions = 3;
    int count = groups * g;
    float[] perFunc = HostEmulationProperties.gaussian(r, count * functions, 1);
    float[] rewards = HostEmulationProperties.gaussian(r, count, 1);
    for (RewardScaling scaling : RewardScaling.values()) {
      for (MultiRewardAggregation agg : MultiRewardAggregation.values()) {
        GroupAdvantageParams p = new GroupAdvantageParams(g, scaling, agg, new float[] {1f, 0.5f, 2f});
        float[] a = new float[count];
        float[] b = new float[count];
        CPU.groupAdvantages(p, perFunc, count, functions, a);
        GPU.groupAdvantages(p, perFunc, count, functions, b);
        HostEmulationProperties.close("grpo " + scaling + " " + agg, a, b, 1e-5, 1e-6);
        CPU.groupAdvantages(p, rewards, count, a);
        GPU.groupAdvantages(p, rewards, count, b);
        HostEmulationProperties.close("grpo one function " + scaling, a, b, 1e-5, 1e-6);
      }
    }
  }

  @Test
  void deviceMemoryRoundTrips() {
    float[] values = HostEmulationProperties.gaussian(new SplittableRandom(14), 1 << 20, 1);
    try (DeviceTensor t = DeviceTensor.of(values)) {
      float[] back = new float[values.length];
      t.copyTo(back);
      assertArrayEquals(values, back);
      FloatBuffer direct = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      t.copyTo(direct);
      assertEquals(values[12345], direct.get(12345));
      direct.put(0, 7f);
      t.copyFrom(direct);
      t.copyTo(back, 0, 1);
      assertEquals(7f, back[0]);
    }
    try (DeviceTensor ids = DeviceTensor.of(new int[] {3, 1, 4})) {
      int[] back = new int[3];
      ids.copyTo(back, 0, 3);
      assertArrayEquals(new int[] {3, 1, 4}, back);
    }
  }

  @Test
  void deviceResidentKernelsEqualTheProvider() {
    SplittableRandom r = new SplittableRandom(15);
    int rows = 16;
    int vocab = 32000;
    float[] logits = HostEmulationProperties.gaussian(r, rows * vocab, 3);
    int[] tokens = r.ints(rows, 0, vocab).toArray();
    float[] lp = new float[rows];
    float[] ent = new float[rows];
    GPU.tokenLogprobs(logits, tokens, rows, vocab, 1f, lp);
    GPU.entropy(logits, rows, vocab, 1f, ent);
    CudaKernels kernels = CudaKernels.onDevice();
    try (DeviceTensor x = DeviceTensor.of(logits); DeviceTensor tok = DeviceTensor.of(tokens);
        DeviceTensor o1 = DeviceTensor.allocate(DeviceTensor.DType.FLOAT32, rows);
        DeviceTensor o2 = DeviceTensor.allocate(DeviceTensor.DType.FLOAT32, rows)) {
      kernels.tokenLogprobsAndEntropy(x, tok, rows, vocab, 1f, o1, o2);
      float[] a = new float[rows];
      float[] b = new float[rows];
      o1.copyTo(a);
      o2.copyTo(b);
      assertArrayEquals(lp, a, "the fused pass gives the same log-probs");
      assertArrayEquals(ent, b, "and the same entropies");
    }
  }

  @Test
  void cudaErrorsCarryCudasDescription() {
    CudaException e = assertThrows(CudaException.class,
        () -> DeviceTensor.allocate(DeviceTensor.DType.FLOAT32, Long.MAX_VALUE / 8));
    assertTrue(e.getMessage().startsWith("cudaMalloc of "), e.getMessage());
    assertTrue(e.getMessage().contains("cudaErrorMemoryAllocation (2): out of memory"), e.getMessage());
  }
}
