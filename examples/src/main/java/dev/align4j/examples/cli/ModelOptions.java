package dev.align4j.examples.cli;

import dev.align4j.core.AlignModel;
import dev.align4j.core.model.Pretrained;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}: a Hugging Face folder (an align4j checkpoint is one). */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A Hugging Face model folder (config.json, model.safetensors, tokenizer.json).")
  Path model;

  /** The model, or an IOException naming the folder and the problem. */
  AlignModel loadModel() throws IOException {
    return AlignModel.load(model);
  }

  /** The language model and its tokenizer, or an IOException naming the folder and the problem. */
  Pretrained load() throws IOException {
    return Pretrained.load(model);
  }
}
