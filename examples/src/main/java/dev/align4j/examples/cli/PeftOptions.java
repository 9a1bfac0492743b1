package dev.align4j.examples.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** TRL's PEFT flags ({@code trl.ModelConfig}): train a LoRA adapter instead of every weight. */
final class PeftOptions {
  @Option(names = "--use-peft", description = "Train a LoRA adapter (PEFT's format) instead of every weight; OUT/final"
      + " and each checkpoint are then adapter folders (default: ${DEFAULT-VALUE}).")
  boolean usePeft;

  @Option(names = "--lora-r", defaultValue = "16", description = "LoRA rank (TRL's default: ${DEFAULT-VALUE}).")
  int r;

  @Option(names = "--lora-alpha", defaultValue = "32", description = "LoRA alpha; the branch is scaled by alpha/r "
      + "(TRL's default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--lora-dropout", defaultValue = "0.05", description = "Dropout on the adapter branch while "
      + "training (TRL's default: ${DEFAULT-VALUE}; 0 makes a resumed run bitwise the uninterrupted one).")
  double dropout;

  @Option(names = "--lora-target-modules", split = ",", paramLabel = "NAME", description = "Modules that get a "
      + "branch: names or suffixes (q_proj,v_proj), or all-linear (default: PEFT's for the architecture: q_proj,v_proj"
      + " for Llama, Qwen and Mistral; c_attn for GPT-2).")
  List<String> targetModules;

  @Option(names = "--use-rslora", description = "Scale by alpha/sqrt(r) (rsLoRA) (default: ${DEFAULT-VALUE}).")
  boolean useRslora;
}
