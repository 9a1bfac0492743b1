package dev.align4j.core.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.model.Gpt2Config;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.JsonFile;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.TokenizerFiles;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import dev.align4j.core.model.safetensors.SafetensorsWriter;
import dev.align4j.core.model.safetensors.TensorInfo;
import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PEFT's adapter folder: {@code adapter_config.json} (the keys PEFT 0.10 on reads) and {@code adapter_model.safetensors}
 * with the names {@code get_peft_model_state_dict} writes ({@code peft/utils/save_and_load.py}): the model's module
 * name under {@code base_model.model.}, then {@code lora_A.weight} / {@code lora_B.weight} (the adapter name
 * "default" removed), and a saved module's own tensors ({@code base_model.model.score.weight}).
 */
final class AdapterFiles {
  private static final Logger LOG = LoggerFactory.getLogger(AdapterFiles.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String CONFIG = "adapter_config.json";
  static final String WEIGHTS = "adapter_model.safetensors";

  /**
   * Options of PEFT's LoraConfig that change the computation and that align4j does not implement: an adapter that
   * sets one is refused rather than loaded wrongly. Each is unset when null, false, or empty.
   */
  private static final List<String> UNSUPPORTED = List.of("use_dora", "layers_to_transform", "layers_pattern",
      "rank_pattern", "alpha_pattern", "exclude_modules", "target_parameters", "lora_bias", "use_qalora",
      "trainable_token_indices", "alora_invocation_tokens", "megatron_config", "loftq_config", "layer_replication",
      "use_bdlora", "arrow_config", "velora_config", "monteclora_config", "kasa_config", "mica");

  private AdapterFiles() {}

  static void save(LoraAdapter adapter, Path folder, String base, TokenizerFiles tokenizer) throws IOException {
    AtomicFiles.writeFolder(folder, 0, tmp -> {
      writeInto(adapter, tmp, base);
      if (tokenizer != null) {
        tokenizer.writeInto(tmp);
      }
    });
  }

  static void writeInto(LoraAdapter adapter, Path dir, String base) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    for (Parameter p : adapter.trainableParameters()) {
      NDArray v = p.value();
      NDArray hf = p.layout() == Parameter.Layout.TRANSPOSED ? v.transpose().duplicate() : v;
      long[] shape = hf.getShape().getShape();
      float[] data = hf.toFloatArray();
      if (hf != v) {
        hf.close();
      }
      w.add(p.name(), data, shape);
    }
    w.write(dir.resolve(WEIGHTS));
    AtomicFiles.write(dir.resolve(CONFIG), out -> JSON.writeValue(out, configJson(adapter, base)));
  }

  /** {@code adapter_config.json} as PEFT's {@code save_pretrained} writes it ({@code inference_mode} true). */
  static ObjectNode configJson(LoraAdapter adapter, String base) {
    LoraConfig c = adapter.config();
    TransformerModel model = adapter.model();
    ObjectNode j = JSON.createObjectNode();
    j.put("peft_type", "LORA");
    j.put("task_type", adapter.taskType());
    j.put("r", c.r());
    putNumber(j, "lora_alpha", c.loraAlpha());
    j.put("lora_dropout", c.loraDropout());
    ArrayNode targets = j.putArray("target_modules");
    LoraTargets.condensed(adapter.adaptedModules(), LoraTargets.moduleNames(model)).forEach(targets::add);
    j.put("bias", c.bias().peftName());
    j.put("fan_in_fan_out", model.config() instanceof Gpt2Config);
    if (c.modulesToSave().isEmpty()) {
      j.putNull("modules_to_save");
    } else {
      ArrayNode s = j.putArray("modules_to_save");
      c.modulesToSave().forEach(s::add);
    }
    j.put("use_rslora", c.useRslora());
    switch (c.init()) {
      case KAIMING_UNIFORM -> j.put("init_lora_weights", true);
      case GAUSSIAN -> j.put("init_lora_weights", "gaussian");
      case RANDOM -> j.put("init_lora_weights", false);
    }
    if (base == null) {
      j.putNull("base_model_name_or_path");
    } else {
      j.put("base_model_name_or_path", base);
    }
    j.put("inference_mode", true);
    j.putNull("revision");
    j.put("use_dora", false);
    j.putNull("layers_to_transform");
    j.putNull("layers_pattern");
    j.putObject("rank_pattern");
    j.putObject("alpha_pattern");
    return j;
  }

  private static void putNumber(ObjectNode j, String key, double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      j.put(key, (long) v);   // PEFT's lora_alpha is an int
    } else {
      j.put(key, v);
    }
  }

  /** The configuration an {@code adapter_config.json} describes, refusing what align4j cannot compute. */
  static LoraConfig readConfig(Path file, TransformerModel model) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": missing (an adapter folder as PEFT saves one holds adapter_config.json and"
          + " adapter_model.safetensors)");
    }
    JsonNode j = JsonFile.readObject(file);
    String peftType = text(j, "peft_type", file);
    if (!"LORA".equals(peftType)) {
      throw new IOException(file + ": peft_type is " + peftType + "; align4j reads LORA adapters only");
    }
    JsonNode task = j.get("task_type");
    String expectedTask = model.headKind() == HeadKind.SCALAR ? "SEQ_CLS" : "CAUSAL_LM";
    if (task != null && !task.isNull() && !task.asText().equals(expectedTask)) {
      throw new IOException(file + ": task_type is " + task.asText() + " but the model has a "
          + model.headKind() + " head (" + expectedTask + ")");
    }
    for (String key : UNSUPPORTED) {
      JsonNode v = j.get(key);
      boolean unset = v == null || v.isNull() || (v.isBoolean() && !v.asBoolean()) || (v.isContainerNode()
          && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty());
      if (!unset) {
        throw new IOException(file + ": " + key + " is " + preview(v)
            + "; align4j does not implement that LoRA option"
            + " (merge the adapter in PEFT with merge_and_unload and load the merged model instead)");
      }
    }
    LoraConfig.Builder b = LoraConfig.builder();
    b.r(integer(j, "r", file));
    b.loraAlpha(number(j, "lora_alpha", file));
    JsonNode dropout = j.get("lora_dropout");
    b.loraDropout(dropout == null || dropout.isNull() ? 0.0 : number(j, "lora_dropout", file));
    JsonNode targets = j.get("target_modules");
    try {
      if (targets == null || targets.isNull()) {
        b.targetModules(new TargetModules.ArchitectureDefault());
      } else if (targets.isTextual()) {
        b.targetModules(TargetModules.parse(targets.asText()));
      } else if (targets.isArray()) {
        b.targetModules(new TargetModules.Names(names(targets, "target_modules", file)));
      } else {
        throw new IOException(file + ": target_modules is " + preview(targets)
            + "; expected a list of names or a string");
      }
    } catch (IllegalArgumentException e) {
      // an empty or blank name, a regex that does not compile
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    JsonNode bias = j.get("bias");
    if (bias != null && !bias.isNull() && !bias.asText().equals("none")) {
      throw new IOException(file + ": bias is \"" + bias.asText() + "\"; align4j reads adapters with bias \"none\""
          + " only (the adapter would change base biases)");
    }
    JsonNode rs = j.get("use_rslora");
    b.useRslora(rs != null && rs.asBoolean(false));
    JsonNode save = j.get("modules_to_save");
    if (save != null && save.isArray()) {
      b.modulesToSave(names(save, "modules_to_save", file));
    } else if (save != null && !save.isNull()) {
      throw new IOException(file + ": modules_to_save is " + save + "; expected a list of module names or null");
    }
    JsonNode init = j.get("init_lora_weights");
    if (init == null || init.isNull() || (init.isBoolean() && init.asBoolean())) {
      b.init(LoraInit.KAIMING_UNIFORM);
    } else if (init.isBoolean()) {
      b.init(LoraInit.RANDOM);
    } else if (init.asText().equalsIgnoreCase("gaussian")) {
      b.init(LoraInit.GAUSSIAN);
    } else {
      throw new IOException(file + ": init_lora_weights is \"" + init.asText() + "\"; initialisations that change"
          + " the base weights (pissa, olora, corda, loftq, ...) need the base as PEFT rewrote it: convert the adapter"
          + " in PEFT (path_initial_model_for_weight_conversion) or merge it first");
    }
    JsonNode fifo = j.get("fan_in_fan_out");
    boolean conv1d = model.config() instanceof Gpt2Config;
    if (fifo != null && fifo.isBoolean() && fifo.asBoolean() != conv1d) {
      // PEFT overrides it by module type with the same warning (_create_new_module, peft/tuners/lora/layer.py)
      LOG.warn("{}: fan_in_fan_out is {} but the {} model's linear layers are {}; using {}", file, fifo.asBoolean(),
          model.config().modelType(), conv1d ? "Conv1D" : "nn.Linear", conv1d);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  static LoraAdapter load(TransformerModel model, Path dir) throws IOException {
    LoraConfig config = readConfig(dir.resolve(CONFIG), model);
    Path weights = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      throw new IOException(weights + ": missing (adapter_model.bin is not read; save with safe_serialization)");
    }
    try (SafetensorsReader r = SafetensorsReader.open(weights)) {
      checkRank(r, config, weights);
      LoraAdapter adapter;
      try {
        adapter = LoraAdapter.apply(model, config);
      } catch (IllegalArgumentException e) {
        throw new IOException(dir.resolve(CONFIG) + ": " + e.getMessage(), e);
      }
      Map<String, Parameter> want = new LinkedHashMap<>();
      for (Parameter p : adapter.trainableParameters()) {
        want.put(p.name(), p);
      }
      TreeSet<String> missing = new TreeSet<>(want.keySet());
      missing.removeAll(r.tensors().keySet());
      TreeSet<String> extra = new TreeSet<>(r.tensors().keySet());
      extra.removeAll(want.keySet());
      if (!missing.isEmpty() || !extra.isEmpty()) {
        throw new IOException(weights + ": its tensors are not those of the modules adapter_config.json matches"
            + " (target_modules " + config.targetModules() + " matched " + adapter.adaptedModules()
            + (adapter.savedModules().isEmpty() ? "" : ", modules_to_save " + adapter.savedModules()) + "); missing: "
            + first(missing) + "; unexpected: " + first(extra));
      }
      try (NDManager tmp = model.manager().newSubManager()) {
        for (Parameter p : want.values()) {
          TensorInfo info = r.tensors().get(p.name());
          long[] align = p.value().getShape().getShape();
          long[] stored = p.layout() == Parameter.Layout.TRANSPOSED ? new long[] {align[1], align[0]} : align;
          if (!Arrays.equals(info.shape(), stored)) {
            throw new IOException(weights + ": tensor " + p.name() + " has shape " + info.shapeText()
                + ", the model and r " + config.r() + " imply " + Arrays.toString(stored));
          }
          float[] v = r.readFloats(p.name());
          if (p.layout() == Parameter.Layout.TRANSPOSED) {
            v = tmp.create(v, new Shape(stored)).transpose().duplicate().toFloatArray();
          }
          p.value().set(v);
        }
      }
      return adapter;
    }
  }

  /**
   * Every {@code lora_A} tensor of the weights is {@code (r, in)} with the configuration's r. Checked before the
   * adapter is applied, which takes r × (in + out) floats per module: a rank the weights do not have (a damaged or
   * hostile {@code r} such as 2147483647) would otherwise overflow that size or exhaust the heap.
   */
  private static void checkRank(SafetensorsReader r, LoraConfig config, Path weights) throws IOException {
    boolean any = false;
    for (TensorInfo t : r.tensors().values()) {
      if (t.name().endsWith(".lora_A.weight")) {
        any = true;
        if (t.shape().length != 2 || t.shape()[0] != config.r()) {
          throw new IOException(weights + ": tensor " + t.name() + " has shape " + t.shapeText() + " but " + CONFIG
              + " says r " + config.r() + " (lora_A is (r, in)); the two files are not of the same adapter");
        }
      }
    }
    if (!any) {
      throw new IOException(weights + ": holds no lora_A tensor, so it is no LoRA adapter's weights (its tensors: "
          + first(new TreeSet<>(r.tensors().keySet())) + ")");
    }
  }

  private static String first(TreeSet<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    List<String> l = List.copyOf(names);
    return l.size() > 8 ? l.subList(0, 8) + " and " + (l.size() - 8) + " more" : l.toString();
  }

  /** The strings of a list of module names; a number, null or list among them is refused, not turned into text. */
  private static List<String> names(JsonNode list, String key, Path file) throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      if (!n.isTextual()) {
        throw new IOException(file + ": " + key + "[" + i + "] is " + preview(n)
            + "; expected a module name (a string)");
      }
      names.add(n.textValue());
    }
    return names;
  }

  private static String text(JsonNode j, String key, Path file) throws IOException {
    JsonNode v = j.get(key);
    if (v == null || !v.isTextual()) {
      throw new IOException(file + ": key " + key + " is " + described(v) + "; expected a string");
    }
    return v.asText();
  }

  private static int integer(JsonNode j, String key, Path file) throws IOException {
    JsonNode v = j.get(key);
    // canConvertToInt: 4294967300 would otherwise wrap silently to 4
    if (v == null || !v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || !v.canConvertToInt()) {
      throw new IOException(file + ": key " + key + " is " + described(v)
          + "; expected an integer of at most "
          + Integer.MAX_VALUE);
    }
    return v.asInt();
  }

  private static double number(JsonNode j, String key, Path file) throws IOException {
    JsonNode v = j.get(key);
    if (v == null || !v.isNumber()) {
      throw new IOException(file + ": key " + key + " is " + described(v) + "; expected a number");
    }
    return v.asDouble();
  }

  private static String described(JsonNode v) {
    return v == null ? "null" : preview(v);
  }

  /** A JSON value for a message: its type and size when it is large, so a hostile file cannot make the message huge. */
  static String preview(JsonNode n) {
    if (n.isContainerNode() && n.size() > 20) {
      return (n.isArray() ? "an array of " : "an object of ") + n.size() + (n.isArray() ? " elements" : " fields");
    }
    String s = n.toString();
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
