package dev.align4j.core.ppo;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;

/**
 * What the PPO value loss needs, all {@code (B, T)}.
 *
 * @param values predictions of the current value head (with gradient)
 * @param oldValues predictions at rollout time (constant)
 * @param returns GAE returns (constant)
 * @param mask the right-padded response mask
 */
public record PpoValueBatch(NDArray values, NDArray oldValues, NDArray returns, NDArray mask) {
  public PpoValueBatch {
    checkArgument(values.getShape().dimension() == 2, "values must be (B, T), got %s", values.getShape());
    for (NDArray a : new NDArray[] {oldValues, returns, mask}) {
      checkArgument(a.getShape().equals(values.getShape()),
          "all value-loss inputs must share the shape of values %s, got %s", values.getShape(), a.getShape());
    }
  }
}
