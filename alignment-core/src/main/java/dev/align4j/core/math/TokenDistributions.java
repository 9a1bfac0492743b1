package dev.align4j.core.math;

import static dev.align4j.api.objective.Scalars.div;

import ai.djl.ndarray.NDArray;

/**
 * Quantities of per-position softmax distributions over the vocabulary, differentiable. Inputs are logits of shape
 * {@code (..., V)}; the log-softmax subtracts the row maximum, so logits of ±100 are safe.
 *
 * <p>No-grad twins: {@code KernelProvider.tokenLogprobs/entropy/fullKl}.
 */
public final class TokenDistributions {
  private TokenDistributions() {}

  /**
   * {@code log softmax(logits / temperature)[token]} at every position.
   *
   * @param logits {@code (..., V)} float
   * @param tokens {@code (...)} integer ids in {@code [0, V)}
   * @return {@code (...)}
   */
  public static NDArray tokenLogprobs(NDArray logits, NDArray tokens, double temperature) {
    NDArray x = temperature == 1.0 ? logits : div(logits, temperature);
    int axis = logits.getShape().dimension() - 1;
    NDArray idx = tokens.toType(ai.djl.ndarray.types.DataType.INT64, false).expandDims(axis);
    return x.logSoftmax(axis).gather(idx, axis).squeeze(axis);
  }

  /**
   * Entropy {@code −Σ p log p} of {@code softmax(logits / temperature)} in nats.
   *
   * @return {@code (...)}
   */
  public static NDArray entropy(NDArray logits, double temperature) {
    NDArray x = temperature == 1.0 ? logits : div(logits, temperature);
    int axis = logits.getShape().dimension() - 1;
    NDArray logp = x.logSoftmax(axis);
    return logp.exp().mul(logp).sum(new int[] {axis}).neg();
  }

  /**
   * Exact {@code KL(p ‖ q)} with {@code p = softmax(logits)}, {@code q = softmax(refLogits)}, through log-softmax on
   * both sides (q can be as small as e^-160).
   *
   * @return {@code (...)}
   */
  public static NDArray fullKl(NDArray logits, NDArray refLogits) {
    int axis = logits.getShape().dimension() - 1;
    NDArray logp = logits.logSoftmax(axis);
    NDArray logq = refLogits.logSoftmax(axis);
    return logp.exp().mul(logp.sub(logq)).sum(new int[] {axis});
  }
}
