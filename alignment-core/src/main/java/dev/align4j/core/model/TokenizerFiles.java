package dev.align4j.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenizer-side files of a model folder ({@code tokenizer.json}, {@code tokenizer_config.json}, the chat
 * template, …) held in memory, so a model loaded once can be saved (and checkpointed) anywhere after its source folder
 * is gone, and a model built in memory carries its tokenizer with it.
 *
 * @param files file name → bytes, in {@link ModelFolder#TOKENIZER_FILES} order
 */
public record TokenizerFiles(Map<String, byte[]> files) {
  public TokenizerFiles {
    files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
  }

  /** The tokenizer files present in {@code folder}. */
  public static TokenizerFiles of(Path folder) throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (String f : ModelFolder.TOKENIZER_FILES) {
      Path p = folder.resolve(f);
      if (Files.isRegularFile(p)) {
        m.put(f, Files.readAllBytes(p));
      }
    }
    if (!m.containsKey("tokenizer.json")) {
      throw new IOException(folder + ": no tokenizer.json (align4j reads Hugging Face fast tokenizers only)");
    }
    return new TokenizerFiles(m);
  }

  /** Writes the files into the existing folder {@code dir}. */
  public void writeInto(Path dir) throws IOException {
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
  }
}
