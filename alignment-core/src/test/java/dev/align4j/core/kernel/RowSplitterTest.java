package dev.align4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.kernel.KlEstimator;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Rows split across threads give the same bits as one thread; the splitter serves one call at a time. */
class RowSplitterTest {
  private static final int ROWS = 64;
  private static final int VOCAB = 8192; // 512k logits: above the split threshold

  @Test
  void splitCallsGiveTheSameBitsAsOneThread() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x = new float[ROWS * VOCAB];
    float[] y = new float[ROWS * VOCAB];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * rnd.nextGaussian());
      y[i] = x[i] + (float) (0.3 * rnd.nextGaussian());
    }
    int[] tokens = new int[ROWS];
    CpuKernelProvider one = new CpuKernelProvider().withThreads(1);
    for (int threads : new int[] {2, 3, 8}) {
      CpuKernelProvider many = one.withThreads(threads);
      float[] a = new float[ROWS];
      float[] b = new float[ROWS];
      one.fullKl(x, y, ROWS, VOCAB, a);
      many.fullKl(x, y, ROWS, VOCAB, b);
      assertArrayEquals(a, b, 0f, "full KL, " + threads + " threads");
      one.tokenLogprobs(x, tokens, ROWS, VOCAB, 0.9f, a);
      many.tokenLogprobs(x, tokens, ROWS, VOCAB, 0.9f, b);
      assertArrayEquals(a, b, 0f, "token log-probs, " + threads + " threads");
      one.entropy(x, ROWS, VOCAB, 1f, a);
      many.entropy(x, ROWS, VOCAB, 1f, b);
      assertArrayEquals(a, b, 0f, "entropy, " + threads + " threads");
      float[] k1 = new float[x.length];
      float[] k2 = new float[x.length];
      one.klPerToken(x, y, null, x.length, KlEstimator.K3, k1);
      many.klPerToken(x, y, null, x.length, KlEstimator.K3, k2);
      assertArrayEquals(k1, k2, 0f, "k3, " + threads + " threads");
    }
  }

  @Test
  void concurrentCallersEachGetTheirOwnResult() throws Exception {
    CpuKernelProvider provider = new CpuKernelProvider().withThreads(2);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      Future<?>[] done = new Future<?>[8];
      for (int c = 0; c < done.length; c++) {
        int seed = c;
        done[c] = callers.submit(() -> {
          SplittableRandom rnd = new SplittableRandom(seed);
          float[] x = new float[ROWS * VOCAB];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
          }
          float[] split = new float[ROWS];
          float[] alone = new float[ROWS];
          for (int k = 0; k < 5; k++) {
            provider.entropy(x, ROWS, VOCAB, 1f, split);
            provider.withThreads(1).entropy(x, ROWS, VOCAB, 1f, alone);
            assertArrayEquals(alone, split, 0f, "caller " + seed);
          }
          return null;
        });
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void aFailingChunkReachesTheCallerAndTheSplitterStaysUsable() {
    RowSplitter splitter = RowSplitter.forThreads(3);
    assertSame(splitter, RowSplitter.forThreads(3), "one splitter per thread count");
    RowSplitter.Task failing = new RowSplitter.Task() {
      @Override
      void run(int from, int to) {
        if (from <= 50 && 50 < to) {
          throw new IllegalStateException("chunk with row 50");
        }
      }
    };
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> splitter.tryRun(failing, 100, 10));
    assertEquals("chunk with row 50", e.getMessage());
    AtomicInteger rows = new AtomicInteger();
    RowSplitter.Task counting = new RowSplitter.Task() {
      @Override
      void run(int from, int to) {
        rows.addAndGet(to - from);
      }
    };
    assertTrue(splitter.tryRun(counting, 1000, 7));
    assertEquals(1000, rows.get(), "every row exactly once");
  }

  @Test
  void aBusySplitterSendsTheSecondCallerBackToItsOwnThread() throws Exception {
    RowSplitter splitter = RowSplitter.forThreads(2);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RowSplitter.Task blocking = new RowSplitter.Task() {
      @Override
      void run(int from, int to) {
        inside.countDown();
        try {
          release.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
    };
    Thread first = new Thread(() -> splitter.tryRun(blocking, 2, 1));
    first.start();
    assertTrue(inside.await(1, TimeUnit.MINUTES));
    RowSplitter.Task noop = new RowSplitter.Task() {
      @Override
      void run(int from, int to) {}
    };
    assertFalse(splitter.tryRun(noop, 10, 1), "the workers are taken");
    release.countDown();
    first.join(60_000);
    assertTrue(splitter.tryRun(noop, 10, 1), "free again");
  }
}
