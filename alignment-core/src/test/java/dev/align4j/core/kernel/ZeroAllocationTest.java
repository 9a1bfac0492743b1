package dev.align4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A steady-state call of every kernel allocates nothing, on both paths: once the JIT has compiled a kernel (the
 * interpreter and C1 box vectors), a batch of calls leaves the thread's allocated-bytes counter where it was. This
 * is the unit-test twin of the JMH GC profiler's B/op column; it counts bytes, not time.
 */
class ZeroAllocationTest {
  private static final int ROUNDS = 80;
  private static final int CALLS = 200;

  @TestFactory
  Stream<DynamicTest> everyKernelAllocatesNothingOnceCompiled() {
    assumeTrue(threadBean().isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes");
    Stream.Builder<DynamicTest> tests = Stream.builder();
    CpuKernelProvider scalar = new CpuKernelProvider().with(CpuKernelPath.SCALAR).withThreads(1);
    CpuKernelProvider fast = new CpuKernelProvider().withThreads(1);
    for (CpuKernelProvider p : fast.path() == CpuKernelPath.SCALAR ? new CpuKernelProvider[] {scalar}
        : new CpuKernelProvider[] {scalar, fast}) {
      Inputs in = new Inputs();
      add(tests, p, "tokenLogprobs", k -> k.tokenLogprobs(in.logits, in.tokens, in.rows, in.vocab, 0.8f, in.rowOut));
      add(tests, p, "entropy", k -> k.entropy(in.logits, in.rows, in.vocab, 1f, in.rowOut));
      add(tests, p, "fullKl", k -> k.fullKl(in.logits, in.refLogits, in.rows, in.vocab, in.rowOut));
      add(tests, p, "klPerToken", k -> k.klPerToken(in.lp, in.ref, in.mask, in.n, KlEstimator.K3, in.tokenOut));
      // parameter records are built once: the test must not allocate in the calls it measures
      KlPenalty penalty = KlPenalty.of(0.05, KlEstimator.K1).with(ScorePlacement.AFTER_RESPONSE_TRL);
      add(tests, p, "klPenalizedRewards", k -> k.klPenalizedRewards(penalty, in.scores, in.lp, in.ref, in.mask,
          null, in.batch, in.time, in.tokenOut, in.tokenOut2, in.scoreIndex));
      GaeParams gae = GaeParams.of(1.0, 0.95);
      add(tests, p, "gae", k -> k.gae(gae, in.rewards, in.values, in.mask, in.batch, in.time, in.tokenOut, null,
          in.tokenOut2));
      GaeParams trl = GaeParams.of(0.99, 0.95).with(ScorePlacement.AFTER_RESPONSE_TRL)
          .with(GaeParams.RewardWhitening.WHITEN);
      add(tests, p, "gae (TRL placement, whitened rewards)", k -> k.gae(trl, in.rewards, in.values, in.mask,
          in.batch, in.time, in.tokenOut, in.tokenOut3, in.tokenOut2));
      for (int g : new int[] {8, 16, 5}) {
        GroupAdvantageParams groups = GroupAdvantageParams.of(g, RewardScaling.GROUP);
        int count = in.groupRewards.length - in.groupRewards.length % g;
        add(tests, p, "groupAdvantages G=" + g, k -> k.groupAdvantages(groups, in.groupRewards, count, in.groupOut));
      }
    }
    return tests.build();
  }

  private static void add(Stream.Builder<DynamicTest> tests, CpuKernelProvider p, String kernel,
      Consumer<KernelProvider> call) {
    tests.add(DynamicTest.dynamicTest(kernel + " on the " + p.path() + " path", () -> {
      com.sun.management.ThreadMXBean bean = threadBean();
      long id = Thread.currentThread().getId();
      long bytes = -1;
      for (int round = 0; round < ROUNDS && bytes != 0; round++) {
        long before = bean.getThreadAllocatedBytes(id);
        for (int i = 0; i < CALLS; i++) {
          call.accept(p);
        }
        bytes = bean.getThreadAllocatedBytes(id) - before;
      }
      assertEquals(0, bytes, "bytes allocated by " + CALLS + " calls after " + ROUNDS + " rounds of warm-up");
    }));
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  }

  /** Inputs of the size where every loop runs its vector body, its tail and (for GAE) its scan. */
  private static final class Inputs {
    final int rows = 3;
    final int vocab = 1500;
    final int batch = 4;
    final int time = 300;
    final int n = batch * time;
    final float[] logits = new float[rows * vocab];
    final float[] refLogits = new float[rows * vocab];
    final int[] tokens = {3, 700, 1499};
    final float[] rowOut = new float[rows];
    final float[] lp = new float[n];
    final float[] ref = new float[n];
    final float[] rewards = new float[n];
    final float[] values = new float[n];
    final float[] mask = new float[n];
    final float[] scores = new float[batch];
    final int[] scoreIndex = new int[batch];
    final float[] tokenOut = new float[n];
    final float[] tokenOut2 = new float[n];
    final float[] tokenOut3 = new float[n];
    final float[] groupRewards = new float[4000];
    final float[] groupOut = new float[4000];

    Inputs() {
      SplittableRandom rnd = new SplittableRandom(17);
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) (3 * rnd.nextGaussian());
        refLogits[i] = logits[i] + (float) (0.5 * rnd.nextGaussian());
      }
      int[] lengths = {300, 0, 171, 233};
      for (int b = 0; b < batch; b++) {
        scores[b] = (float) rnd.nextGaussian();
        for (int t = 0; t < time; t++) {
          int i = b * time + t;
          lp[i] = (float) (-3 * rnd.nextDouble());
          ref[i] = lp[i] + (float) (0.2 * rnd.nextGaussian());
          values[i] = (float) rnd.nextGaussian();
          mask[i] = t < lengths[b] ? 1f : 0f;
          rewards[i] = (float) (0.1 * rnd.nextGaussian()) * mask[i];
        }
      }
      for (int i = 0; i < groupRewards.length; i++) {
        groupRewards[i] = (float) rnd.nextGaussian();
      }
    }
  }
}
