package dev.align4j.core.lora;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.Internal;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.TransformerModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Adapter folders where a model folder is expected: PEFT's {@code adapter_config.json} and
 * {@code adapter_model.safetensors} (and, as TRL saves them, the tokenizer files) without a {@code config.json}. The
 * base is the folder named by {@code base_model_name_or_path} or one given explicitly; loading one gives the base
 * with the adapter merged in ({@code W + scale · B A}), which is what every reader of a model folder then uses.
 */
public final class AdapterFolders {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdapterFolders() {}

  /** Whether {@code folder} is an adapter folder (PEFT's config, no model {@code config.json}). */
  public static boolean isAdapter(Path folder) {
    return Files.isRegularFile(folder.resolve(AdapterFiles.CONFIG)) && !Files.isRegularFile(folder.resolve(
        "config.json"));
  }

  /**
   * The base model folder of {@code adapter}: {@code base} when given, else its {@code base_model_name_or_path}, read
   * as a path (as given, then beside the adapter folder). align4j downloads nothing, so a hub id must be a local
   * folder.
   *
   * @throws IOException naming the file, the value and the remedy when no such model folder exists
   */
  public static Path baseOf(Path adapter, Path base) throws IOException {
    if (base != null) {
      requireModelFolder(base, "the base model given for " + adapter);
      return base;
    }
    Path config = adapter.resolve(AdapterFiles.CONFIG);
    JsonNode j;
    try {
      j = JSON.readTree(Files.readString(config));
    } catch (JsonProcessingException e) {
      throw new IOException(config + ": not JSON (" + e.getOriginalMessage() + ")");
    }
    JsonNode name = j == null ? null : j.get("base_model_name_or_path");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw new IOException(config + ": base_model_name_or_path is " + name + "; give the base model folder"
          + " (--base-model DIR, or AlignModel.loadAdapter(adapter, base))");
    }
    String given = name.asText();
    for (Path candidate : new Path[] {Path.of(given), adapter.toAbsolutePath().getParent().resolve(given)}) {
      if (Files.isRegularFile(candidate.resolve("config.json"))) {
        return candidate;
      }
    }
    throw new IOException(config + ": base_model_name_or_path '" + given + "' is not a local model folder (as"
        + " given, nor beside " + adapter + "); align4j downloads nothing: download the base yourself and give it"
        + " with --base-model DIR (AlignModel.loadAdapter(adapter, base) in Java)");
  }

  /**
   * The base of {@code adapter} loaded with the adapter merged in: a plain, frozen model.
   *
   * @param base the base folder ({@link #baseOf})
   * @param head the head the caller reads ({@code SEQ_CLS} adapters carry theirs in {@code modules_to_save})
   */
  @Internal
  public static TransformerModel loadMerged(Path adapter, Path base, HeadKind head) throws IOException {
    TransformerModel m = ModelFolder.load(base, head);
    try {
      LoraAdapter.load(m, adapter).merge();
      return m;
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Where the tokenizer of {@code adapter} lives: beside the adapter when TRL saved it there, else in the base. */
  public static Path tokenizerFolder(Path adapter, Path base) {
    return Files.isRegularFile(adapter.resolve("tokenizer.json")) ? adapter : base;
  }

  private static void requireModelFolder(Path folder, String what) throws IOException {
    if (!Files.isRegularFile(folder.resolve("config.json"))) {
      throw new IOException(folder + " (" + what + ") is not a model folder: it has no config.json");
    }
  }
}
