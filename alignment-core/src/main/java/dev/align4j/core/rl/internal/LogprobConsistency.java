package dev.align4j.core.rl.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.core.rl.LogprobMismatchException;
import dev.align4j.core.runtime.DjlSetup;

/**
 * Checks, before the first update of a run, that the log-probs recorded at sampling time equal the training forward
 * pass on the same tokens; a difference above the tolerance is an error naming the largest difference and where.
 */
public final class LogprobConsistency {
  /** Float32 incremental (KV-cached) and full forward passes agree to about 1e-5; 1e-3 leaves room, flags bugs. */
  public static final double DEFAULT_TOLERANCE = 1e-3;

  private LogprobConsistency() {}

  /**
   * @return the largest absolute difference found
   * @throws LogprobMismatchException when it exceeds {@code tolerance}
   */
  public static double check(Rollouts rollouts, TrainablePolicy policy, double temperature, double tolerance) {
    float[] training;
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = DjlSetup.newManager()) {
      training = rollouts.logprobs(m, policy, temperature, false)[0].toFloatArray();
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    return check(rollouts, training, tolerance);
  }

  /**
   * Compares the recorded log-probs of {@code rollouts} with {@code training}, a training forward pass of the same
   * rows laid out as {@link Rollouts#logprobs} returns them ({@code [B][R]}).
   *
   * @return the largest absolute difference found
   * @throws LogprobMismatchException when it exceeds {@code tolerance}
   */
  public static double check(Rollouts rollouts, float[] training, double tolerance) {
    float[] sampled = rollouts.samplingLogprobs();
    if (training.length != sampled.length) {
      throw new IllegalArgumentException("training log-probs have " + training.length + " entries for a rollout batch"
          + " of " + sampled.length + " (rows x response width)");
    }
    double worst = 0;
    int at = -1;
    for (int i = 0; i < sampled.length; i++) {
      if (rollouts.mask()[i] == 0f) {
        continue;
      }
      double d = Math.abs(sampled[i] - training[i]);
      if (!(d <= worst)) {
        worst = d;
        at = i;
      }
    }
    if (!(worst <= tolerance)) {
      int r = rollouts.responseWidth();
      throw new LogprobMismatchException(String.format("sampling-time log-probs differ from the training forward"
          + " pass by up to %.6g (row %d, response token %d: sampled %.6f, training %.6f; tolerance %.1g). Check"
          + " that scoring uses the sampling temperature and the same model weights.", worst, at / r, at % r,
          sampled[at], training[at], tolerance));
    }
    return worst;
  }
}
