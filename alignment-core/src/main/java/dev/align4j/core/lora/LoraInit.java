package dev.align4j.core.lora;

/** PEFT's {@code init_lora_weights} values that align4j implements (the others change base weights and are refused). */
public enum LoraInit {
  /**
   * {@code true} (PEFT's default): A Kaiming-uniform with a = √5, which is U(−1/√in, 1/√in) (the bound
   * √(6/((1+a²)·in)) at a² = 5), and B zero, so a fresh adapter changes nothing ({@code reset_lora_parameters} in
   * {@code peft/tuners/lora/layer.py}, as {@code nn.Linear.reset_parameters}).
   */
  KAIMING_UNIFORM,
  /** {@code "gaussian"}: A normal with standard deviation 1/r, B zero. */
  GAUSSIAN,
  /**
   * {@code false}: A and B both as a fresh {@code nn.Linear} (Kaiming-uniform, bounds 1/√in and 1/√r): B is not
   * zero, so a fresh adapter does change the model (PEFT uses it for tests; so does align4j).
   */
  RANDOM
}
