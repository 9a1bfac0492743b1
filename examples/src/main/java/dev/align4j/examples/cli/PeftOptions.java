package dev.align4j.examples.cli;

import dev.align4j.api.TrainablePolicy;
import dev.align4j.core.AlignModel;
import dev.align4j.core.lora.AdapterFolders;
import dev.align4j.core.lora.LoraConfig;
import dev.align4j.core.lora.LoraPolicy;
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

  /**
   * The policy a stage trains: {@code base} itself, or with {@code --use-peft} a LoRA adapter attached to it (the
   * policy then owns {@code base}), recording the {@code --model} folder as the adapter's base.
   */
  TrainablePolicy policy(AlignModel base, ModelOptions model) {
    LoraConfig lora = ConfigMapping.lora(this);
    if (lora == null) {
      return base;
    }
    if (AdapterFolders.isAdapter(model.model)) {
      throw new IllegalArgumentException("--use-peft trains a new adapter on a plain model, but --model " + model.model
          + " is an adapter folder; merge it first (align merge-adapter) and train on the merged folder");
    }
    return LoraPolicy.attach(base, lora, model.model.toAbsolutePath().normalize().toString());
  }
}
