package dev.align4j.api.kernel;

/**
 * Where PPO puts the sequence-level score among the per-token rewards, and therefore which positions the value
 * function is trained on.
 *
 * <p>The paper behaviour (Ziegler et al. 2019; Ouyang et al. 2022) scores the last response token. Current TRL puts
 * the score on the first padding slot after the response and trains the value head on that extra slot as well
 * (huggingface/trl issues #1893 and #3750); {@link #AFTER_RESPONSE_TRL} reproduces it for parity.
 */
public enum ScorePlacement {
  /** Score on the last response token {@code L_b − 1}; the value mask is the response mask. The default. */
  LAST_RESPONSE_TOKEN,
  /**
   * TRL parity: score on index {@code L_b} when {@code L_b < T}, else {@code T − 1} (an empty row scores at 0); the
   * value mask covers {@code t ≤ L_b}, the response plus that extra slot, clipped to the row.
   */
  AFTER_RESPONSE_TRL
}
