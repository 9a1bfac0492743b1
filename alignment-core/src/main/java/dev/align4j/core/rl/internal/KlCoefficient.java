package dev.align4j.core.rl.internal;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * β, the weight of the KL leash to the reference. Fixed, or adapted toward a target KL with Ziegler et al.'s (2019,
 * §2.2) proportional controller: {@code e = clip(KL/target − 1, −0.2, 0.2)}, {@code β ← β·(1 + e·n/horizon)}.
 */
public final class KlCoefficient {
  private final double target;
  private final double horizon;
  private double value;

  private KlCoefficient(double initial, double target, double horizon) {
    checkArgument(initial >= 0 && Double.isFinite(initial), "beta must be finite and >= 0, got %s", initial);
    checkArgument(target == 0 || target > 0, "target KL must be > 0 for the adaptive controller, got %s", target);
    checkArgument(horizon > 0, "the controller's horizon must be > 0, got %s", horizon);
    this.value = initial;
    this.target = target;
    this.horizon = horizon;
  }

  /** A fixed β (0.04–0.2 is the documented range; 0 removes the leash). */
  public static KlCoefficient fixed(double beta) {
    return new KlCoefficient(beta, 0, 1);
  }

  /** β adapted toward {@code targetKl} (nats per sequence) over {@code horizon} samples (Ziegler et al.: 10,000). */
  public static KlCoefficient adaptive(double initial, double targetKl, double horizon) {
    checkArgument(targetKl > 0, "target KL must be > 0, got %s", targetKl);
    return new KlCoefficient(initial, targetKl, horizon);
  }

  /** The current β. */
  public double value() {
    return value;
  }

  /** Feeds the KL observed on a batch of {@code samples} sequences (no-op when fixed). */
  public void update(double observedKl, int samples) {
    if (target == 0) {
      return;
    }
    double error = Math.max(-0.2, Math.min(0.2, observedKl / target - 1));
    value *= 1 + error * samples / horizon;
  }

  /** For checkpoints. */
  public void restore(double beta) {
    this.value = beta;
  }
}
