package dev.align4j.core.grpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * What the GRPO loss needs.
 *
 * @param logprobs {@code (B, T)} per-token log-probs under the current policy (with gradient)
 * @param oldLogprobs {@code (B, T)} at sampling time; equal to {@code logprobs} on the first, on-policy step
 * @param refLogprobs {@code (B, T)} under the reference, needed only when β ≠ 0
 * @param advantages {@code (B)} group-relative advantages, broadcast over tokens
 * @param mask {@code (B, T)} 0/1; may contain holes and empty rows
 */
public record GrpoBatch(NDArray logprobs, NDArray oldLogprobs, Optional<NDArray> refLogprobs, NDArray advantages,
    NDArray mask) {
  public GrpoBatch {
    checkArgument(logprobs.getShape().dimension() == 2, "logprobs must be (B, T), got %s", logprobs.getShape());
    checkArgument(oldLogprobs.getShape().equals(logprobs.getShape()),
        "oldLogprobs must be %s, got %s", logprobs.getShape(), oldLogprobs.getShape());
    checkArgument(mask.getShape().equals(logprobs.getShape()),
        "mask must be %s, got %s", logprobs.getShape(), mask.getShape());
    checkNotNull(refLogprobs, "refLogprobs (use Optional.empty() when beta is 0)");
    refLogprobs.ifPresent(r -> checkArgument(r.getShape().equals(logprobs.getShape()),
        "refLogprobs must be %s, got %s", logprobs.getShape(), r.getShape()));
    checkArgument(advantages.getShape().dimension() == 1
            && advantages.getShape().get(0) == logprobs.getShape().get(0),
        "advantages must be (B) = (%s), got %s", logprobs.getShape().get(0), advantages.getShape());
  }
}
