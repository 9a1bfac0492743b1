package dev.align4j.core.reward;

/** Whether the Bradley–Terry loss subtracts a per-pair margin (Llama 2, Touvron et al. 2023, eq. 2). */
public enum MarginMode {
  /** {@code −log σ(r_c − r_r)} (Ouyang et al. 2022, eq. 1). */
  NONE,
  /** {@code −log σ(r_c − r_r − m)} with the margin the data gives for each pair. */
  GIVEN
}
