package dev.align4j.examples.cli;

import dev.align4j.core.AlignModel;
import dev.align4j.core.model.Pretrained;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}: a Hugging Face folder (an align4j checkpoint is one). */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A Hugging Face model folder (config.json, model.safetensors, tokenizer.json), or a PEFT adapter"
          + " folder (adapter_config.json, adapter_model.safetensors), loaded onto its base and merged.")
  Path model;

  @Option(names = "--base-model", paramLabel = "DIR", description = "When --model is a PEFT adapter folder: its base"
      + " model folder (default: the adapter's base_model_name_or_path, which must then be a local folder).")
  Path baseModel;

  /** The model (an adapter folder merged onto its base), or an IOException naming the folder and the problem. */
  AlignModel loadModel() throws IOException {
    return baseModel == null ? AlignModel.load(model) : AlignModel.loadAdapter(model, baseModel);
  }

  /** The language model and its tokenizer, or an IOException naming the folder and the problem. */
  Pretrained load() throws IOException {
    return Pretrained.load(model, baseModel);
  }
}
