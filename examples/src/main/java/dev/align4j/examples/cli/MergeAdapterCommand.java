package dev.align4j.examples.cli;

import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.lora.AdapterFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code align merge-adapter --adapter DIR --out DIR}: PEFT's {@code merge_and_unload}, written as a plain Hugging
 * Face folder (weights {@code W + scale · B A}, the saved modules' copies, the tokenizer files).
 */
@Command(name = "merge-adapter", mixinStandardHelpOptions = true,
    description = {"Merge a PEFT LoRA adapter into its base model and write a plain Hugging Face folder",
        "(W + (alpha/r)·B A; alpha/sqrt(r) with use_rslora). A SEQ_CLS adapter (a reward model) is written as",
        "…ForSequenceClassification with its head from modules_to_save."})
final class MergeAdapterCommand implements Callable<Integer> {
  @Option(names = "--adapter", required = true, paramLabel = "DIR",
      description = "The adapter folder: adapter_config.json and adapter_model.safetensors (F32, F16 or BF16).")
  Path adapter;

  @Option(names = "--base-model", paramLabel = "DIR", description = "The base model folder (default: the adapter's"
      + " base_model_name_or_path, which must then be a local folder).")
  Path base;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the merged model goes; it"
      + " must not exist or be empty.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (!AdapterFolders.isAdapter(adapter)) {
      throw new IOException("--adapter " + adapter + ": no adapter_config.json (or it also holds a config.json,"
          + " so it is a model folder, not an adapter)");
    }
    if (Files.exists(out) && (!Files.isDirectory(out) || Files.list(out).findAny().isPresent())) {
      throw new IOException("--out " + out + " exists and is not an empty folder; choose another");
    }
    String task = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Files.readString(adapter.resolve("adapter_config.json"))).path("task_type").asText("CAUSAL_LM");
    if (task.equals("SEQ_CLS")) {
      try (AlignRewardModel m = base == null ? AlignRewardModel.load(adapter)
          : AlignRewardModel.loadAdapter(adapter, base)) {
        m.save(out);
      }
    } else {
      try (AlignModel m = base == null ? AlignModel.load(adapter) : AlignModel.loadAdapter(adapter, base)) {
        m.save(out);
      }
    }
    System.err.println("align merge-adapter: " + adapter + " merged into " + AdapterFolders.baseOf(adapter, base)
        + "; written to " + out);
    return 0;
  }
}
