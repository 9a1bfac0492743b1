package dev.align4j.cuda;

import java.util.Arrays;

/**
 * The median time of several runs of some kernel work, after warm-up: with a pair of CUDA events on the default
 * stream for the GPU, with the wall clock for the host emulation (which runs synchronously).
 */
interface KernelTimer extends AutoCloseable {

  /** Median milliseconds of {@code reps} runs of {@code work}, after {@code warmup} runs. */
  double medianMillis(int warmup, int reps, Runnable work);

  @Override
  void close();

  static KernelTimer forBackend(Backend backend) {
    return backend == Backend.DEVICE ? new Events() : new WallClock();
  }

  static double median(double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** CUDA events around each run: the GPU's own time, without launch gaps before the first kernel. */
  final class Events implements KernelTimer {
    private final long start;
    private final long end;

    Events() {
      long[] e = new long[1];
      CudaException.check(NativeCuda.eventCreate(e), "cudaEventCreate");
      start = e[0];
      try {
        CudaException.check(NativeCuda.eventCreate(e), "cudaEventCreate");
      } catch (CudaException ex) {
        NativeCuda.eventDestroy(start);
        throw ex;
      }
      end = e[0];
    }

    @Override
    public double medianMillis(int warmup, int reps, Runnable work) {
      for (int i = 0; i < warmup; i++) {
        work.run();
      }
      CudaException.check(NativeCuda.synchronize(Backend.DEVICE.code()), "cudaDeviceSynchronize");
      double[] ms = new double[reps];
      float[] elapsed = new float[1];
      for (int i = 0; i < reps; i++) {
        CudaException.check(NativeCuda.eventRecord(start), "cudaEventRecord");
        work.run();
        CudaException.check(NativeCuda.eventRecord(end), "cudaEventRecord");
        CudaException.check(NativeCuda.eventElapsedMillis(start, end, elapsed), "cudaEventElapsedTime");
        ms[i] = elapsed[0];
      }
      return median(ms);
    }

    @Override
    public void close() {
      NativeCuda.eventDestroy(start);
      NativeCuda.eventDestroy(end);
    }
  }

  /** System.nanoTime around each run. */
  final class WallClock implements KernelTimer {
    @Override
    public double medianMillis(int warmup, int reps, Runnable work) {
      for (int i = 0; i < warmup; i++) {
        work.run();
      }
      double[] ms = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        work.run();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      return median(ms);
    }

    @Override
    public void close() {}
  }
}
