package dev.align4j.core.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits the rows (or elements) of one kernel call across a fixed set of daemon threads plus the caller, without
 * allocating: the task is a reusable object whose fields hold the call's arguments, chunks are claimed from an
 * {@link AtomicInteger}, and threads wait with {@link LockSupport#park}. A fork/join pool or a parallel stream would
 * allocate tasks and lambdas on every call.
 *
 * <p>One call uses the workers at a time; a caller that finds them busy runs its whole range on its own thread
 * ({@link #tryAcquire} returns false), which is also what it would do without the splitter. The task objects belong
 * to the caller and are filled in only after the workers are taken. One splitter exists per
 * thread count, shared by every provider with that count, its workers started on first use.
 */
final class RowSplitter {
  private static final ConcurrentMap<Integer, RowSplitter> SHARED = new ConcurrentHashMap<>();

  /** Work on the half-open range {@code [from, to)}; fields of the subclass carry the arguments. */
  abstract static class Task {
    abstract void run(int from, int to);
  }

  private final Thread[] workers;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicInteger nextChunk = new AtomicInteger();
  private final AtomicInteger runningWorkers = new AtomicInteger();
  private volatile long generation;
  private volatile Task task;
  private volatile int end;
  private volatile int grain;
  private volatile Thread caller;
  private volatile Throwable failure;

  private RowSplitter(int threads) {
    workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      Thread t = new Thread(this::workLoop, "align4j-cpu-kernels-" + threads + "-" + (i + 1));
      t.setDaemon(true);
      workers[i] = t;
      t.start();
    }
  }

  /** The splitter for {@code threads} threads in all (the caller and {@code threads − 1} workers). */
  static RowSplitter forThreads(int threads) {
    if (threads < 2) {
      throw new IllegalArgumentException("a splitter needs at least 2 threads, got " + threads);
    }
    return SHARED.computeIfAbsent(threads, RowSplitter::new);
  }

  /**
   * Takes the workers for one call; false when another call holds them (the caller then runs its range on its own
   * thread). A caller that got them fills in its task, calls {@link #run} and then {@link #release}.
   */
  boolean tryAcquire() {
    return busy.compareAndSet(false, true);
  }

  /** Gives the workers back. */
  void release() {
    busy.set(false);
  }

  /**
   * Runs {@code t} over {@code [0, n)} in chunks of {@code chunk} on the workers and the calling thread, which must
   * hold the workers ({@link #tryAcquire}); returns when all of it is done and rethrows what a chunk threw.
   */
  void run(Task t, int n, int chunk) {
    task = t;
    end = n;
    grain = chunk;
    caller = Thread.currentThread();
    failure = null;
    nextChunk.set(0);
    runningWorkers.set(workers.length);
    generation++; // volatile write: publishes the fields above to the workers that read it
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    try {
      claimChunks(t, n, chunk);
    } catch (RuntimeException | Error e) {
      nextChunk.set(n); // the workers stop claiming; wait for them before the caller reuses the task
      recordFailure(e);
    }
    while (runningWorkers.get() != 0) {
      LockSupport.park(this);
    }
    task = null;
    Throwable f = failure;
    if (f != null) {
      failure = null;
      if (f instanceof RuntimeException e) {
        throw e;
      }
      if (f instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException("a kernel worker failed", f);
    }
  }

  /** {@link #tryAcquire}, {@link #run}, {@link #release} in one; false, having run nothing, when busy. */
  boolean tryRun(Task t, int n, int chunk) {
    if (!tryAcquire()) {
      return false;
    }
    try {
      run(t, n, chunk);
      return true;
    } finally {
      release();
    }
  }

  private synchronized void recordFailure(Throwable e) {
    if (failure == null) {
      failure = e;
    }
  }

  private void claimChunks(Task t, int n, int chunk) {
    int start;
    while ((start = nextChunk.getAndAdd(chunk)) < n && start >= 0) { // >= 0: past 2^31 the counter wraps
      t.run(start, Math.min(n, start + chunk));
    }
  }

  private void workLoop() {
    long seen = 0;
    while (true) {
      long g;
      while ((g = generation) == seen) {
        LockSupport.park(this);
      }
      seen = g;
      try {
        claimChunks(task, end, grain);
      } catch (Throwable e) { // handed to the caller, which rethrows it
        nextChunk.set(end); // the others stop claiming
        recordFailure(e);
      }
      if (runningWorkers.decrementAndGet() == 0) {
        LockSupport.unpark(caller);
      }
    }
  }
}
