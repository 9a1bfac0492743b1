package dev.align4j.core.dpo;

import ai.djl.ndarray.NDArray;
import java.util.Optional;

/**
 * The quantities DPO losses are written in, all {@code (N)}: plain log-ratios {@code a = pc − rc},
 * {@code b = pr − rr}, their divergence scores {@code s(a)}, {@code s(b)} and {@code Δ = s(a) − s(b)}.
 *
 * @param batch the sequence log-probs
 * @param chosenLogRatio a
 * @param rejectedLogRatio b
 * @param chosenScore s(a)
 * @param rejectedScore s(b)
 * @param delta s(a) − s(b)
 */
public record DpoTerms(DpoBatch batch, NDArray chosenLogRatio, NDArray rejectedLogRatio, NDArray chosenScore,
    NDArray rejectedScore, NDArray delta) {

  static DpoTerms of(DpoBatch in, FDivergence divergence) {
    NDArray a = in.policyChosen().sub(in.refChosen().stopGradient());
    NDArray b = in.policyRejected().sub(in.refRejected().stopGradient());
    NDArray sa = divergence.score(a);
    NDArray sb = divergence.score(b);
    return new DpoTerms(in, a, b, sa, sb, sa.sub(sb));
  }

  /** Completion lengths {@code (Lc, Lr)}, each at least 1, or an error naming the loss that needs them. */
  NDArray[] lengths(String lossName) {
    Optional<NDArray> c = batch.chosenLengths();
    Optional<NDArray> r = batch.rejectedLengths();
    if (c.isEmpty() || r.isEmpty()) {
      throw new IllegalArgumentException(lossName
          + " normalises by completion length: the DpoBatch needs chosenLengths and rejectedLengths");
    }
    return new NDArray[] {c.get().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).maximum(1f),
        r.get().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).maximum(1f)};
  }
}
