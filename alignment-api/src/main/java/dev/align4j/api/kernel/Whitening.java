package dev.align4j.api.kernel;

/** What whitening does with the mean: PPO whitens advantages to zero mean but keeps the mean of whitened rewards. */
public enum Whitening {
  /** {@code (v − μ) / σ}: zero mean, unit variance (advantages). */
  CENTER,
  /** {@code (v − μ) / σ + μ}: unit variance, mean kept (TRL's {@code shift_mean=False}, used on rewards). */
  KEEP_MEAN
}
