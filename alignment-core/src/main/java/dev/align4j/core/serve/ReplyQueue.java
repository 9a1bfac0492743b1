package dev.align4j.core.serve;

import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands requests from many HTTP threads to the chat model on one thread, batching those that wait: while the model
 * answers one batch, the requests that arrive queue up and all go in the next call (up to {@code maxBatch}), which a
 * local model generates in padded batches. No request waits for a batch to fill; one alone goes at once.
 */
final class ReplyQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyQueue.class);

  private record Pending(ChatRequest request, CompletableFuture<ChatReply> reply) {}

  /** Queued by {@link #close()}: the worker is never interrupted, since an interrupt closes NIO channels (a cache). */
  private static final Pending STOP = new Pending(null, null);

  private final ChatModel model;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread worker;
  private volatile boolean open = true;

  ReplyQueue(ChatModel model, int maxBatch, String threadName) {
    this.model = model;
    this.maxBatch = maxBatch;
    this.worker = new Thread(this::run, threadName);
    worker.setDaemon(true);
    worker.start();
  }

  /** The reply to {@code r}, completed by the model's thread; failed with the model's exception if it threw. */
  CompletableFuture<ChatReply> submit(ChatRequest r) {
    CompletableFuture<ChatReply> f = new CompletableFuture<>();
    if (!open) {
      f.completeExceptionally(new CancellationException("the server is stopping"));
      return f;
    }
    queue.add(new Pending(r, f));
    return f;
  }

  private void run() {
    while (open) {
      List<Pending> batch = new ArrayList<>();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      queue.drainTo(batch, maxBatch - 1);
      if (batch.remove(STOP)) {
        batch.forEach(p -> p.reply().completeExceptionally(new CancellationException("the server is stopping")));
        break;
      }
      List<ChatRequest> requests = batch.stream().map(Pending::request).toList();
      try {
        model.chat(requests, (i, reply) -> batch.get(i).reply().complete(reply));
      } catch (RuntimeException e) {
        // a model that throws breaks its contract; its callers get a 500 and the server keeps serving
        LOG.error("the chat model {} threw on a batch of {} requests", model.id(), batch.size(), e);
        batch.forEach(p -> p.reply().completeExceptionally(e));
      }
      for (Pending p : batch) {
        p.reply().completeExceptionally(new IllegalStateException("the chat model " + model.id()
            + " returned no reply for this request"));
      }
    }
    failRemaining();
  }

  private void failRemaining() {
    List<Pending> left = new ArrayList<>();
    queue.drainTo(left);
    left.stream().filter(p -> p != STOP)
        .forEach(p -> p.reply().completeExceptionally(new CancellationException("the server is stopping")));
  }

  /**
   * Stops the model's thread after its current batch (waiting up to {@code waitMillis} for it); requests still
   * queued fail.
   */
  void close(long waitMillis) {
    open = false;
    queue.add(STOP);
    try {
      worker.join(waitMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      LOG.warn("the chat model {} is still answering a batch; its thread ends when the batch does", model.id());
    }
    failRemaining();
  }

  @Override
  public void close() {
    close(30_000);
  }
}
