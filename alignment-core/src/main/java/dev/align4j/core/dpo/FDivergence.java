package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.align4j.api.objective.Scalars.div;
import static dev.align4j.api.objective.Scalars.minimum;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import dev.align4j.core.math.Sigmoids;

/**
 * The divergence that regularises DPO toward the reference (Wang et al. 2023, "Beyond Reverse KL", Table 1): it maps
 * a log-ratio {@code x = log π/π_ref} to the score {@code s(x) = f'(e^x)} (constants dropped) that enters the loss.
 */
public sealed interface FDivergence {

  /** The score {@code s(x)} of log-ratios {@code x}. */
  NDArray score(NDArray logRatio);

  /** Reverse KL, {@code s(x) = x}: standard DPO. */
  record ReverseKl() implements FDivergence {
    @Override public NDArray score(NDArray x) {
      return x;
    }
  }

  /** Forward KL, {@code s(x) = −e^{−x}}. */
  record ForwardKl() implements FDivergence {
    @Override public NDArray score(NDArray x) {
      return x.neg().exp().neg();
    }
  }

  /** Jensen–Shannon, {@code s(x) = log σ(x)}. */
  record JsDivergence() implements FDivergence {
    @Override public NDArray score(NDArray x) {
      return Sigmoids.logSigmoid(x);
    }
  }

  /**
   * α-divergence, {@code s(x) = e^{(α−1)x}/(α−1)} with the exponent capped at 80 so that float32 stays finite; the
   * limit α → 1 is reverse KL.
   */
  record AlphaDivergence(double alpha) implements FDivergence {
    /** The cap on the exponent, as TRL's for float32. */
    public static final float EXPONENT_CAP = 80f;

    public AlphaDivergence {
      checkArgument(Double.isFinite(alpha), "alpha must be finite, got %s", alpha);
    }

    @Override public NDArray score(NDArray x) {
      if (Math.abs(alpha - 1) < 1e-6) {
        return x;
      }
      return div(minimum(mul(x, alpha - 1), EXPONENT_CAP).exp(), alpha - 1);
    }
  }
}
