package dev.align4j.core.loop;

/** Which policy each RL pass's KL term leashes to. */
public enum ReferencePolicy {
  /** The SFT model, fixed for the whole loop: the KL measures the total drift from the foundation. */
  SFT,
  /** The policy the iteration started from: each pass may move only a step, but the drift adds up. */
  PREVIOUS
}
