package dev.align4j.core.loop;

/** How the loop refreshes the reward model after each round of labels. */
public enum RewardRefresh {
  /**
   * Fine-tune the latest reward model (each ensemble member) on the new labels plus, with replay, every earlier
   * label: cheap, and what keeps the model tracking the policy's moving distribution (Llama 2's cadence).
   */
  FINE_TUNE,
  /** Retrain from the SFT model on every label gathered so far: slower, free of the earlier models' drift. */
  RETRAIN
}
