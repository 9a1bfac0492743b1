package dev.align4j.core.reward;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * Reward-model scores of a batch of preference pairs, with what the data says about each pair. The reward trainer
 * fills {@code margins} only under {@link MarginMode#GIVEN} and {@code pChosen} only under {@link LabelMode#SOFT}
 * (1 for a pair without a soft label), so a user objective sees exactly what the configuration asked for.
 *
 * @param chosen {@code (N)} scores of the chosen answers
 * @param rejected {@code (N)} scores of the rejected answers
 * @param margins {@code (N)} per-pair margins, when the data gives them
 * @param pChosen {@code (N)} soft labels P(chosen ≻ rejected) in [0, 1], when training on soft labels
 */
public record RewardPairBatch(NDArray chosen, NDArray rejected, Optional<NDArray> margins,
    Optional<NDArray> pChosen) {
  public RewardPairBatch {
    checkNotNull(chosen, "chosen");
    checkNotNull(rejected, "rejected");
    checkNotNull(margins, "margins (use Optional.empty())");
    checkNotNull(pChosen, "pChosen (use Optional.empty())");
    checkArgument(chosen.getShape().dimension() == 1, "chosen must be (N), got %s", chosen.getShape());
    checkArgument(rejected.getShape().equals(chosen.getShape()),
        "rejected must have the shape of chosen %s, got %s", chosen.getShape(), rejected.getShape());
    margins.ifPresent(m -> checkArgument(m.getShape().equals(chosen.getShape()),
        "margins must have the shape of chosen %s, got %s", chosen.getShape(), m.getShape()));
    pChosen.ifPresent(p -> checkArgument(p.getShape().equals(chosen.getShape()),
        "pChosen must have the shape of chosen %s, got %s", chosen.getShape(), p.getShape()));
  }

  /** A batch of hard labels (no {@code pChosen}). */
  public RewardPairBatch(NDArray chosen, NDArray rejected, Optional<NDArray> margins) {
    this(chosen, rejected, margins, Optional.empty());
  }
}
