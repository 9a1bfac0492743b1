package dev.align4j.core.rl;

/**
 * The log-probs recorded when sampling differ from the training forward pass on the same tokens: the ratio of the
 * first PPO/GRPO update would not be 1, and training would silently optimise against a different distribution
 * (a sampling temperature not applied in scoring, a cache bug, a padding bug).
 */
public final class LogprobMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogprobMismatchException(String message) {
    super(message);
  }
}
