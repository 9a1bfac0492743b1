package dev.align4j.core.chatmodel;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Counts the HTTP attempts of one {@link OpenAiChatModel} and refuses those past its budget. It is an OkHttp
 * application interceptor, which the SDK runs once per HTTP attempt, its own retries included
 * ({@code OpenAIOkHttpClient.Builder.addInterceptor}), so the count is of requests sent, not of logical calls.
 *
 * <p>A refused attempt throws {@link RequestBudgetExhaustedException}, an unchecked exception: the SDK's
 * {@code RetryingHttpClient} retries only {@link IOException}s and its own I/O and retryable exceptions, so the
 * refusal ends the call at once instead of being retried or turned into an I/O failure.
 *
 * <p>OkHttp runs a synchronous call's interceptors on the calling thread, which lets {@link #attemptsOfThisCall()}
 * count the attempts of the call the current thread is making, for its failure text.
 */
final class RequestBudget implements Interceptor {
  private final OptionalLong limit;
  private final AtomicLong attempted = new AtomicLong();
  private final ThreadLocal<int[]> callAttempts = ThreadLocal.withInitial(() -> new int[1]);

  RequestBudget(OptionalLong limit) {
    this.limit = limit;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    long max = limit.orElse(Long.MAX_VALUE);
    // take one attempt unless none is left; never counts past the limit, so attempted() stays what was sent
    long before = attempted.getAndUpdate(n -> n < max ? n + 1 : n);
    if (before >= max) {
      throw new RequestBudgetExhaustedException(max, "the request budget of " + max + " HTTP calls (retries"
          + " included) is spent", null);
    }
    callAttempts.get()[0]++;
    return chain.proceed(chain.request());
  }

  /** Starts counting the attempts of a call on the current thread. */
  void startCall() {
    callAttempts.get()[0] = 0;
  }

  /** Attempts of the current thread's call since {@link #startCall()}. */
  int attemptsOfThisCall() {
    return callAttempts.get()[0];
  }

  /** HTTP attempts made so far, all threads. */
  long attempted() {
    return attempted.get();
  }

  /** Whether no attempt is left. */
  boolean exhausted() {
    return limit.isPresent() && attempted.get() >= limit.getAsLong();
  }

  OptionalLong limit() {
    return limit;
  }
}
