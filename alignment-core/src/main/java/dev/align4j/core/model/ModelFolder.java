package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.model.safetensors.CheckpointTensors;
import dev.align4j.core.model.safetensors.SafetensorsWriter;
import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a model from a Hugging Face folder and saves one back, atomically, with Hugging Face tensor names and
 * layouts so that {@code transformers} loads it.
 */
public final class ModelFolder {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFolder.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Tokenizer-side files copied into a saved folder when present. */
  static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json", "generation_config.json", "chat_template.jinja", "vocab.json", "merges.txt");

  private ModelFolder() {}

  /**
   * Loads the model in {@code folder} with the given head. A causal-LM checkpoint loaded with a
   * {@link HeadKind#SCALAR} head keeps its body and gets a zero-initialised score head (a reward model initialised
   * from the SFT policy); tensors the model does not use are logged, never silently mixed in.
   */
  public static TransformerModel load(Path folder, HeadKind head) throws IOException {
    ModelConfig config = HfConfigJson.read(folder.resolve("config.json"));
    try (CheckpointTensors tensors = CheckpointTensors.open(folder)) {
      Map<String, String> aliases = aliases(config, tensors);
      WeightSource.FromCheckpoint fromFile = new WeightSource.FromCheckpoint(tensors, aliases);
      boolean[] initialisedHead = {false};
      WeightSource source = (name, shape, init) -> {
        if (name.equals("score.weight") && !tensors.has("score.weight")) {
          initialisedHead[0] = true;
          return WeightSource.random(0).read(name, shape, init);
        }
        return fromFile.read(name, shape, init);
      };
      TransformerModel model;
      try {
        model = TransformerModel.create(config, head, source);
      } catch (UncheckedIOException e) {
        throw new IOException(folder + ": " + e.getCause().getMessage(), e.getCause());
      }
      Set<String> unused = fromFile.unused();
      unused.removeIf(n -> n.endsWith(".attn.bias") || n.endsWith(".attn.masked_bias")
          || n.endsWith("rotary_emb.inv_freq") || TransformerModel.headNames().contains(n));
      if (!unused.isEmpty()) {
        LOG.warn("{}: {} tensor(s) not used by the {} model: {}", folder, unused.size(), config.modelType(),
            unused.size() > 8 ? List.copyOf(unused).subList(0, 8) + " ..." : unused);
      }
      if (initialisedHead[0]) {
        LOG.info("{}: no score head in the checkpoint; a zero-initialised scalar head was added", folder);
      }
      return model;
    }
  }

  /**
   * Overwrites the values of {@code model}'s parameters with those of the folder {@code dir} (a checkpoint of a model of
   * the same configuration and head), exactly.
   */
  public static void readInto(TransformerModel model, Path dir) throws IOException {
    try (TransformerModel stored = load(dir, model.headKind())) {
      List<Parameter> target = model.parameters();
      List<Parameter> source = stored.parameters();
      if (target.size() != source.size()) {
        throw new IOException(dir + ": holds " + source.size() + " parameters, the model has " + target.size());
      }
      for (int i = 0; i < target.size(); i++) {
        Parameter t = target.get(i);
        Parameter s = source.get(i);
        if (!t.name().equals(s.name()) || !t.value().getShape().equals(s.value().getShape())) {
          throw new IOException(dir + ": parameter " + i + " is " + s.name() + " " + s.value().getShape()
              + ", the model's is " + t.name() + " " + t.value().getShape());
        }
        t.value().set(s.value().toFloatArray());
      }
    }
  }

  /** GPT-2 files in the original OpenAI layout name tensors without the {@code transformer.} prefix. */
  private static Map<String, String> aliases(ModelConfig config, CheckpointTensors tensors) {
    Map<String, String> aliases = new HashMap<>();
    if (config instanceof Gpt2Config && !tensors.has("transformer.wte.weight") && tensors.has("wte.weight")) {
      for (String name : tensors.tensors().keySet()) {
        aliases.put("transformer." + name, name);
      }
    }
    return aliases;
  }

  /**
   * Writes {@code model} to {@code folder} as a Hugging Face folder: {@code model.safetensors}, {@code config.json},
   * the tokenizer files (when given) and {@code align4j_provenance.json}. The folder is assembled under a temporary
   * name and renamed into place, so a reader never sees half of it.
   */
  public static void save(TransformerModel model, Path folder, TokenizerFiles tokenizer, Provenance provenance,
      ObjectNode extraConfig) throws IOException {
    AtomicFiles.writeFolder(folder, 0, tmp -> writeInto(model, tmp, tokenizer, provenance, extraConfig));
  }

  /**
   * Writes the folder's files into an existing folder, without the atomic rename of {@link #save} (for callers that
   * assemble a larger folder atomically themselves, such as checkpoints).
   */
  public static void writeInto(TransformerModel model, Path dir, TokenizerFiles tokenizer, Provenance provenance,
      ObjectNode extraConfig) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    for (Parameter p : model.parameters()) {
      NDArray v = p.value();
      NDArray hf = p.layout() == Parameter.Layout.TRANSPOSED ? v.transpose().duplicate() : v;
      long[] shape = hf.getShape().getShape();
      float[] data = hf.toFloatArray();
      if (hf != v) {
        hf.close();
      }
      w.add(p.name(), data, shape);
    }
    w.write(dir.resolve("model.safetensors"));

    ObjectNode extra = JSON.createObjectNode();
    if (model.headKind() == HeadKind.SCALAR) {
      extra.put("num_labels", 1);
      extra.putObject("id2label").put("0", "LABEL_0");
      extra.putObject("label2id").put("LABEL_0", 0);
    }
    if (extraConfig != null) {
      extra.setAll(extraConfig);
    }
    ObjectNode config = HfConfigJson.toJson(model.config(), architecture(model), extra);
    AtomicFiles.write(dir.resolve("config.json"), out -> JSON.writeValue(out, config));
    if (tokenizer != null) {
      tokenizer.writeInto(dir);
    }
    if (provenance != null) {
      AtomicFiles.write(dir.resolve("align4j_provenance.json"), out -> JSON.writeValue(out, provenance.toJson()));
    }
  }

  /** The {@code architectures} entry transformers uses to pick the model class. */
  static String architecture(TransformerModel model) {
    String family = switch (model.config().modelType()) {
      case "gpt2" -> "GPT2";
      case "qwen2" -> "Qwen2";
      case "qwen3" -> "Qwen3";
      case "mistral" -> "Mistral";
      default -> "Llama";
    };
    if (model.headKind() == HeadKind.SCALAR) {
      return family + "ForSequenceClassification";
    }
    return family.equals("GPT2") ? "GPT2LMHeadModel" : family + "ForCausalLM";
  }
}
