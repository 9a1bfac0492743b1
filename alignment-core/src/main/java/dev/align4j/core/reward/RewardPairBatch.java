package dev.align4j.core.reward;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * Reward-model scores of a batch of preference pairs.
 *
 * @param chosen {@code (N)} scores of the chosen answers
 * @param rejected {@code (N)} scores of the rejected answers
 * @param margins {@code (N)} per-pair margins, when the data gives them
 */
public record RewardPairBatch(NDArray chosen, NDArray rejected, Optional<NDArray> margins) {
  public RewardPairBatch {
    checkNotNull(chosen, "chosen");
    checkNotNull(rejected, "rejected");
    checkNotNull(margins, "margins (use Optional.empty())");
    checkArgument(chosen.getShape().dimension() == 1, "chosen must be (N), got %s", chosen.getShape());
    checkArgument(rejected.getShape().equals(chosen.getShape()),
        "rejected must have the shape of chosen %s, got %s", chosen.getShape(), rejected.getShape());
    margins.ifPresent(m -> checkArgument(m.getShape().equals(chosen.getShape()),
        "margins must have the shape of chosen %s, got %s", chosen.getShape(), m.getShape()));
  }
}
