package dev.align4j.core.model;

import dev.align4j.core.lora.AdapterFolders;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A language model and its tokenizer loaded from one Hugging Face folder, closed together.
 *
 * @param lm the policy
 * @param tokenizer the folder's tokenizer
 * @param folder where it came from
 */
public record Pretrained(LanguageModel lm, TextTokenizer tokenizer, Path folder) implements AutoCloseable {

  /** Loads {@code folder} (config.json, model.safetensors or shards, tokenizer.json), or an adapter folder. */
  public static Pretrained load(Path folder) throws IOException {
    return load(folder, null);
  }

  /**
   * Loads {@code folder}; when it is a PEFT adapter folder, onto {@code base} (null: its
   * {@code base_model_name_or_path}) with the adapter merged.
   */
  public static Pretrained load(Path folder, Path base) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + ": not a folder (expected a Hugging Face model folder)");
    }
    boolean adapter = AdapterFolders.isAdapter(folder);
    Path baseFolder = adapter ? AdapterFolders.baseOf(folder, base) : folder;
    TextTokenizer tokenizer = TextTokenizer.load(adapter ? AdapterFolders.tokenizerFolder(folder, baseFolder)
        : folder);
    try {
      TransformerModel m = adapter ? AdapterFolders.loadMerged(folder, baseFolder, HeadKind.LANGUAGE_MODEL)
          : ModelFolder.load(folder, HeadKind.LANGUAGE_MODEL);
      return new Pretrained(new LanguageModel(m, tokenizer.padId(), tokenizer.eosIds()), tokenizer, folder);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  @Override
  public void close() {
    lm.close();
    tokenizer.close();
  }
}
