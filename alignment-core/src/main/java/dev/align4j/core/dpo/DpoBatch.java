package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * Sequence log-probs of a batch of preference pairs: token log-probs summed over each completion.
 *
 * @param policyChosen {@code (N)} under the policy (with gradient)
 * @param policyRejected {@code (N)} under the policy (with gradient)
 * @param refChosen {@code (N)} under the frozen reference
 * @param refRejected {@code (N)} under the frozen reference
 * @param chosenLengths {@code (N)} completion token counts, needed by length-normalised losses
 * @param rejectedLengths {@code (N)} likewise
 */
public record DpoBatch(NDArray policyChosen, NDArray policyRejected, NDArray refChosen, NDArray refRejected,
    Optional<NDArray> chosenLengths, Optional<NDArray> rejectedLengths) {
  public DpoBatch {
    checkArgument(policyChosen.getShape().dimension() == 1, "policyChosen must be (N), got %s",
        policyChosen.getShape());
    for (NDArray a : new NDArray[] {policyRejected, refChosen, refRejected}) {
      checkArgument(a.getShape().equals(policyChosen.getShape()),
          "all DPO log-probs must share the shape of policyChosen %s, got %s", policyChosen.getShape(), a.getShape());
    }
    checkNotNull(chosenLengths, "chosenLengths (use Optional.empty())");
    checkNotNull(rejectedLengths, "rejectedLengths (use Optional.empty())");
    checkArgument(chosenLengths.isPresent() == rejectedLengths.isPresent(),
        "give both chosenLengths and rejectedLengths or neither");
  }

  /** A batch without completion lengths. */
  public static DpoBatch of(NDArray policyChosen, NDArray policyRejected, NDArray refChosen, NDArray refRejected) {
    return new DpoBatch(policyChosen, policyRejected, refChosen, refRejected, Optional.empty(), Optional.empty());
  }
}
