package dev.align4j.core.train;

/**
 * Training produced NaN or an infinity. Raised before the optimizer touches the weights, so the last good state
 * (and checkpoint) stays valid.
 */
public final class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NonFiniteException(long step, String quantity, double value) {
    super(String.format("step %d: %s is %s; the weights were not updated. Lower the learning rate, check the data of"
        + " this step, or enable gradient clipping.", step, quantity, value));
  }
}
