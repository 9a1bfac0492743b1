package dev.align4j.core.chatmodel;

/**
 * An {@link OpenAiChatModel} has made as many HTTP attempts as its {@link EndpointConfig#requestBudget()} allows,
 * and stops the run rather than answer the remaining requests with failures that would look like an endpoint
 * fault. It is thrown by {@code chat} only after every reply that had completed was handed to the caller's sink, so
 * a {@link CachingChatModel} in front has kept them, and a rerun with a larger budget repeats none of them.
 */
public final class RequestBudgetExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The budget, as {@link #budget()} returns it. */
  private final long budget;

  RequestBudgetExhaustedException(long budget, String message, Throwable cause) {
    super(message, cause);
    this.budget = budget;
  }

  /**
   * The budget that was spent.
   *
   * @return the most HTTP attempts the model was allowed
   */
  public long budget() {
    return budget;
  }
}
