package dev.align4j.examples.cli;

import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}: a Hugging Face folder (or an align4j checkpoint, which is one). */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A Hugging Face model folder (config.json, model.safetensors, tokenizer.json).")
  Path model;

  /** The language model and its tokenizer, or an IOException naming the folder and the problem. */
  Loaded load() throws IOException {
    if (!Files.isDirectory(model)) {
      throw new IOException("--model " + model + ": not a folder");
    }
    TextTokenizer tokenizer = TextTokenizer.load(model);
    TransformerModel m;
    try {
      m = ModelFolder.load(model, HeadKind.LANGUAGE_MODEL);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    return new Loaded(new LanguageModel(m, tokenizer.padId(), tokenizer.eosIds()), tokenizer);
  }

  /** A loaded model and tokenizer, closed together. */
  record Loaded(LanguageModel lm, TextTokenizer tokenizer) implements AutoCloseable {
    @Override
    public void close() {
      lm.close();
      tokenizer.close();
    }
  }
}
