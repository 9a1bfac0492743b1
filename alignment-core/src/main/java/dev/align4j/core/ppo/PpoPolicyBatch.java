package dev.align4j.core.ppo;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;

/**
 * What the PPO policy loss needs, all {@code (B, T)} over response tokens.
 *
 * @param logprobs log-probs under the current policy (with gradient)
 * @param oldLogprobs log-probs at rollout time (constant)
 * @param advantages whitened GAE advantages (constant)
 * @param mask 1 on response tokens, 0 on padding
 */
public record PpoPolicyBatch(NDArray logprobs, NDArray oldLogprobs, NDArray advantages, NDArray mask) {
  public PpoPolicyBatch {
    checkArgument(logprobs.getShape().dimension() == 2, "logprobs must be (B, T), got %s", logprobs.getShape());
    for (NDArray a : new NDArray[] {oldLogprobs, advantages, mask}) {
      checkArgument(a.getShape().equals(logprobs.getShape()),
          "all PPO inputs must share the shape of logprobs %s, got %s", logprobs.getShape(), a.getShape());
    }
  }
}
