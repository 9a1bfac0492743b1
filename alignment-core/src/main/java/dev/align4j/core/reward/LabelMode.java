package dev.align4j.core.reward;

/**
 * How the reward model reads a pair's label: chosen always wins, or chosen wins with the pair's probability
 * {@code p_chosen}.
 */
public enum LabelMode {
  /** Chosen beats rejected: {@code −log σ(r_c − r_r)} (Ouyang et al. 2022, eq. 1); {@code p_chosen} is ignored. */
  HARD,
  /**
   * Chosen beats rejected with probability p: the cross-entropy {@code −[p·log σ(r_c − r_r) + (1 − p)·log σ(r_r −
   * r_c)]} of the Bradley–Terry probability against the soft label, as Constitutional AI trains its preference
   * model on the feedback model's normalised option probabilities (Bai et al. 2022, §4.1). Its gradient in
   * {@code r_c − r_r} is {@code σ(r_c − r_r) − p}, so training pulls each pair's probability to its label instead of
   * pushing the margin without bound. A pair without {@code p_chosen} counts as p = 1, where the loss is exactly
   * {@link #HARD}'s. Per-pair margins are refused with it: a margin and a soft label both say how strongly chosen
   * wins, and using both would count that twice (see {@link RewardConfig}).
   */
  SOFT
}
