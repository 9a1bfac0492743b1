package dev.align4j.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Reads {@code config.json} into a {@link ModelConfig} and writes one back, with the defaults transformers applies
 * to missing keys (they differ between families: {@code tie_word_embeddings} is false for Llama, true for GPT-2).
 * Unsupported architectures, activations and RoPE scalings fail with a message naming the file and the key.
 */
public final class HfConfigJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfConfigJson() {}

  /** Reads and validates {@code file}. */
  public static ModelConfig read(Path file) throws IOException {
    JsonNode root = JsonFile.readObject(file);
    Reader r = new Reader(file, root);
    String type = r.string("model_type", "");
    try {
      return switch (type) {
        case "llama", "mistral", "qwen2", "qwen3" -> llama(r, type);
        case "gpt2" -> gpt2(r);
        default -> throw new IOException(file + ": model_type '" + type + "' is not supported; align4j reads the Llama"
            + " family (llama, mistral, qwen2, qwen3) and gpt2");
      };
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static LlamaConfig llama(Reader r, String type) throws IOException {
    String act = r.string("hidden_act", "silu");
    if (!act.equals("silu")) {
      throw new IOException(r.file + ": hidden_act '" + act + "' is not supported (the Llama family uses silu)");
    }
    int hidden = r.integer("hidden_size");
    int heads = r.integer("num_attention_heads");
    int kvHeads = r.integerOr("num_key_value_heads", heads);
    int headDim = r.integerOr("head_dim", hidden / heads);
    boolean attentionBias = r.bool("attention_bias", false);
    boolean qwen2 = type.equals("qwen2");
    int sliding = 0;
    boolean useSliding = r.bool("use_sliding_window", !type.startsWith("qwen"));
    if (useSliding && r.root.hasNonNull("sliding_window")) {
      sliding = r.integer("sliding_window");
    }
    return new LlamaConfig(r.integer("vocab_size"), hidden, r.integer("intermediate_size"),
        r.integer("num_hidden_layers"), heads, kvHeads, headDim, r.number("rms_norm_eps", 1e-6),
        r.number("rope_theta", 10000.0), ropeScaling(r), r.integerOr("max_position_embeddings", 2048),
        r.bool("tie_word_embeddings", false), qwen2 || attentionBias, !qwen2 && attentionBias,
        r.bool("mlp_bias", false), type.equals("qwen3"), sliding, r.tokenId("bos_token_id"),
        r.tokenId("eos_token_id"), type);
  }

  private static RopeScaling ropeScaling(Reader r) throws IOException {
    JsonNode s = r.root.get("rope_scaling");
    if (s == null || s.isNull()) {
      return new RopeScaling.None();
    }
    String kind = s.has("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
    return switch (kind) {
      case "default" -> new RopeScaling.None();
      case "linear" -> new RopeScaling.Linear(s.path("factor").asDouble(1.0));
      case "llama3" -> new RopeScaling.Llama3(s.path("factor").asDouble(), s.path("low_freq_factor").asDouble(),
          s.path("high_freq_factor").asDouble(), s.path("original_max_position_embeddings").asInt());
      default -> throw new IOException(r.file + ": rope_scaling type '" + kind + "' is not supported (align4j"
          + " implements default, linear and llama3)");
    };
  }

  private static Gpt2Config gpt2(Reader r) throws IOException {
    int embd = r.integer("n_embd");
    String act = r.string("activation_function", "gelu_new");
    Gpt2Config.Activation activation = switch (act) {
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Gpt2Config.Activation.GELU_TANH;
      case "gelu" -> Gpt2Config.Activation.GELU_ERF;
      case "relu" -> Gpt2Config.Activation.RELU;
      default -> throw new IOException(r.file + ": activation_function '" + act + "' is not supported");
    };
    if (r.bool("scale_attn_by_inverse_layer_idx", false) || r.bool("reorder_and_upcast_attn", false)) {
      throw new IOException(r.file + ": scale_attn_by_inverse_layer_idx and reorder_and_upcast_attn are not"
          + " supported");
    }
    JsonNode inner = r.root.get("n_inner");
    int innerSize = inner == null || inner.isNull() ? 4 * embd : r.integer("n_inner");
    return new Gpt2Config(r.integer("vocab_size"), embd, r.integer("n_head"), r.integer("n_layer"),
        r.integerOr("n_positions", 1024), innerSize, r.number("layer_norm_epsilon", 1e-5), activation,
        r.bool("scale_attn_weights", true), r.bool("tie_word_embeddings", true), r.tokenId("bos_token_id"),
        r.tokenId("eos_token_id"), "gpt2");
  }

  /**
   * The config.json of a saved model.
   *
   * @param architecture e.g. {@code LlamaForCausalLM}, {@code GPT2ForSequenceClassification}
   * @param extra further keys (e.g. {@code num_labels}, {@code pad_token_id})
   */
  public static ObjectNode toJson(ModelConfig config, String architecture, ObjectNode extra) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add(architecture);
    o.put("model_type", config.modelType());
    if (config instanceof LlamaConfig c) {
      o.put("vocab_size", c.vocabSize());
      o.put("hidden_size", c.hiddenSize());
      o.put("intermediate_size", c.intermediateSize());
      o.put("num_hidden_layers", c.numLayers());
      o.put("num_attention_heads", c.numHeads());
      o.put("num_key_value_heads", c.numKvHeads());
      o.put("head_dim", c.headDim());
      o.put("rms_norm_eps", c.rmsNormEps());
      o.put("rope_theta", c.ropeTheta());
      o.put("max_position_embeddings", c.maxPositions());
      o.put("tie_word_embeddings", c.tieWordEmbeddings());
      o.put("hidden_act", "silu");
      if (!c.modelType().equals("qwen2")) {
        o.put("attention_bias", c.qkvBias());
      }
      o.put("mlp_bias", c.mlpBias());
      if (c.slidingWindow() > 0) {
        o.put("sliding_window", c.slidingWindow());
      }
      ropeScalingJson(c.ropeScaling(), o);
    } else if (config instanceof Gpt2Config c) {
      o.put("vocab_size", c.vocabSize());
      o.put("n_embd", c.hiddenSize());
      o.put("n_head", c.numHeads());
      o.put("n_layer", c.numLayers());
      o.put("n_positions", c.maxPositions());
      o.put("n_ctx", c.maxPositions());
      o.put("n_inner", c.innerSize());
      o.put("layer_norm_epsilon", c.layerNormEps());
      o.put("activation_function", switch (c.activation()) {
        case GELU_TANH -> "gelu_new";
        case GELU_ERF -> "gelu";
        case RELU -> "relu";
      });
      o.put("scale_attn_weights", c.scaleAttentionWeights());
      o.put("tie_word_embeddings", c.tieWordEmbeddings());
      for (String k : new String[] {"attn_pdrop", "embd_pdrop", "resid_pdrop"}) {
        o.put(k, 0.0);
      }
    }
    config.bosTokenId().ifPresent(id -> o.put("bos_token_id", id));
    config.eosTokenId().ifPresent(id -> o.put("eos_token_id", id));
    o.put("torch_dtype", "float32");
    if (extra != null) {
      o.setAll(extra);
    }
    return o;
  }

  private static void ropeScalingJson(RopeScaling s, ObjectNode o) {
    if (s instanceof RopeScaling.Linear l) {
      o.putObject("rope_scaling").put("rope_type", "linear").put("factor", l.factor());
    } else if (s instanceof RopeScaling.Llama3 l) {
      o.putObject("rope_scaling").put("rope_type", "llama3").put("factor", l.factor())
          .put("low_freq_factor", l.lowFreqFactor()).put("high_freq_factor", l.highFreqFactor())
          .put("original_max_position_embeddings", l.originalMaxPositions());
    } else {
      o.putNull("rope_scaling");
    }
  }

  /** Typed access to config keys with the file and key named in errors. */
  private static final class Reader {
    final Path file;
    final JsonNode root;

    Reader(Path file, JsonNode root) {
      this.file = file;
      this.root = root;
    }

    int integer(String key) throws IOException {
      JsonNode v = root.get(key);
      if (v == null || v.isNull()) {
        throw new IOException(file + ": missing required key '" + key + "'");
      }
      if (!v.canConvertToInt() || !(v.isIntegralNumber() || (v.isNumber() && v.asDouble() == v.asInt()))) {
        throw new IOException(file + ": key '" + key + "' must be an integer, got " + v);
      }
      return v.asInt();
    }

    int integerOr(String key, int dflt) throws IOException {
      JsonNode v = root.get(key);
      return v == null || v.isNull() ? dflt : integer(key);
    }

    double number(String key, double dflt) throws IOException {
      JsonNode v = root.get(key);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isNumber()) {
        throw new IOException(file + ": key '" + key + "' must be a number, got " + v);
      }
      return v.asDouble();
    }

    boolean bool(String key, boolean dflt) throws IOException {
      JsonNode v = root.get(key);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (!v.isBoolean()) {
        throw new IOException(file + ": key '" + key + "' must be true or false, got " + v);
      }
      return v.asBoolean();
    }

    String string(String key, String dflt) {
      JsonNode v = root.get(key);
      return v == null || v.isNull() ? dflt : v.asText();
    }

    /** A token id, or the first of a list of ids (Llama 3 lists several EOS ids). */
    OptionalInt tokenId(String key) {
      JsonNode v = root.get(key);
      if (v == null || v.isNull()) {
        return OptionalInt.empty();
      }
      if (v.isArray()) {
        return v.isEmpty() ? OptionalInt.empty() : OptionalInt.of(v.get(0).asInt());
      }
      return OptionalInt.of(v.asInt());
    }
  }
}
