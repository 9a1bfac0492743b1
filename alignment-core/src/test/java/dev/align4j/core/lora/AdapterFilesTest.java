package dev.align4j.core.lora;

import static dev.align4j.core.lora.LoraFixtures.load;
import static dev.align4j.core.lora.LoraFixtures.logprobs;
import static dev.align4j.core.lora.LoraFixtures.maxAbsDiff;
import static dev.align4j.core.lora.LoraFixtures.randomiseB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import dev.align4j.core.model.safetensors.SafetensorsWriter;
import dev.align4j.core.model.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEFT's adapter folder: names, shapes, keys, the round trip, the numpy reference adapters, and refusals. */
class AdapterFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Llama: PEFT's names and shapes, lora_A [r, in], lora_B [out, r], F32, {"format": "pt"}, every key PEFT reads. */
  @Test
  void aLlamaAdapterIsWrittenAsPeftWritesOne() throws Exception {
    Path dir = tmp.resolve("adapter");
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().r(4).loraAlpha(16).build());
      a.save(dir, "models/tiny-llama");
    }
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("adapter_model.safetensors"))) {
      Map<String, TensorInfo> t = r.tensors();
      assertEquals(new TreeSet<>(List.of(
          "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
          "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
          "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight",
          "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
          "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight",
          "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight",
          "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight",
          "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")), new TreeSet<>(t.keySet()));
      assertEquals("[4, 64]", t.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shapeText());
      assertEquals("[32, 4]", t.get("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").shapeText(),
          "v_proj's out is 2 kv heads × 16");
      assertEquals("F32", t.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").dtype().name());
      assertEquals(Map.of("format", "pt"), r.metadata());
    }
    JsonNode c = JSON.readTree(dir.resolve("adapter_config.json").toFile());
    for (String key : List.of("peft_type", "task_type", "r", "lora_alpha", "lora_dropout", "target_modules", "bias",
        "fan_in_fan_out", "modules_to_save", "use_rslora", "init_lora_weights", "base_model_name_or_path",
        "inference_mode", "revision")) {
      assertTrue(c.has(key), "adapter_config.json lacks " + key);
    }
    assertEquals("LORA", c.get("peft_type").asText());
    assertEquals("CAUSAL_LM", c.get("task_type").asText());
    assertEquals(4, c.get("r").asInt());
    assertTrue(c.get("lora_alpha").isIntegralNumber());
    assertEquals(16, c.get("lora_alpha").asInt());
    assertEquals("[\"q_proj\",\"v_proj\"]", c.get("target_modules").toString());
    assertEquals("none", c.get("bias").asText());
    assertEquals(false, c.get("fan_in_fan_out").asBoolean());
    assertTrue(c.get("modules_to_save").isNull());
    assertEquals(true, c.get("init_lora_weights").asBoolean());
    assertEquals("models/tiny-llama", c.get("base_model_name_or_path").asText());
    assertEquals(true, c.get("inference_mode").asBoolean());
    assertTrue(c.get("revision").isNull());
    assertTrue(Files.list(tmp).allMatch(p -> p.getFileName().toString().equals("adapter")), "no temporary left");
  }

  /**
   * GPT-2: c_attn by default, fan_in_fan_out true, A [r, 48], B [144, r]; save → load gives the same tensors bit for
   * bit and the same log-probs within 1e-5 (not bitwise: the same matmuls on arrays of another memory layout differ in the
   * last bits on this CPU backend).
   */
  @Test
  void aGpt2AdapterRoundTrips() throws Exception {
    Path dir = tmp.resolve("gpt2-adapter");
    float[] adapted;
    List<float[]> saved;
    try (TransformerModel m = load("tiny-gpt2", HeadKind.LANGUAGE_MODEL)) {
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().r(2).build());
      randomiseB(a, 3, 0.1);
      adapted = logprobs(m);
      saved = values(a);
      a.save(dir, null);
    }
    JsonNode c = JSON.readTree(dir.resolve("adapter_config.json").toFile());
    assertEquals(true, c.get("fan_in_fan_out").asBoolean());
    assertEquals("[\"c_attn\"]", c.get("target_modules").toString());
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("adapter_model.safetensors"))) {
      assertEquals("[2, 48]", r.tensors().get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight").shapeText());
      assertEquals("[144, 2]", r.tensors().get("base_model.model.transformer.h.1.attn.c_attn.lora_B.weight").shapeText());
      assertEquals(4, r.tensors().size());
    }
    try (TransformerModel m = load("tiny-gpt2", HeadKind.LANGUAGE_MODEL)) {
      LoraAdapter a = LoraAdapter.load(m, dir);
      assertEquals(List.of("transformer.h.0.attn.c_attn", "transformer.h.1.attn.c_attn"), a.adaptedModules());
      assertSame(saved, values(a));
      assertTrue(maxAbsDiff(adapted, logprobs(m)) <= 1e-5, "log-probs after the round trip");
    }
  }

  /** all-linear with a reward head in modules_to_save: task SEQ_CLS, base_model.model.score.weight, round trip. */
  @Test
  void aRewardAdapterSavesItsScoreHead() throws Exception {
    Path dir = tmp.resolve("rm-adapter");
    float[] before;
    List<float[]> saved;
    int[][] rows = LoraFixtures.ROWS;
    try (TransformerModel m = load("tiny-llama", HeadKind.SCALAR)) {
      LoraAdapter a = LoraAdapter.apply(m,
          LoraConfig.builder().allLinear().modulesToSave(List.of("score")).r(2).build());
      assertEquals(14, a.adaptedModules().size(), "7 projections × 2 layers; score is saved, not adapted");
      assertEquals(List.of("score"), a.savedModules());
      randomiseB(a, 5, 0.1);
      var head = a.trainableParameters().get(a.trainableParameters().size() - 1);
      head.value().set(new float[64]);
      head.value().set(head.value().add(0.25f).toFloatArray());
      before = scalars(m, rows);
      saved = values(a);
      a.save(dir, "tiny-llama");
    }
    JsonNode c = JSON.readTree(dir.resolve("adapter_config.json").toFile());
    assertEquals("SEQ_CLS", c.get("task_type").asText());
    assertEquals("[\"score\"]", c.get("modules_to_save").toString());
    assertEquals("[\"down_proj\",\"gate_proj\",\"k_proj\",\"o_proj\",\"q_proj\",\"up_proj\",\"v_proj\"]",
        c.get("target_modules").toString());
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("adapter_model.safetensors"))) {
      assertEquals("[1, 64]", r.tensors().get("base_model.model.score.weight").shapeText());
    }
    try (TransformerModel m = load("tiny-llama", HeadKind.SCALAR)) {
      assertSame(saved, values(LoraAdapter.load(m, dir)));
      assertTrue(maxAbsDiff(before, scalars(m, rows)) <= 1e-5, "scores after the round trip");
    }
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      IOException e = assertThrows(IOException.class, () -> LoraAdapter.load(m, dir));
      assertTrue(e.getMessage().contains("task_type is SEQ_CLS"), e.getMessage());
    }
  }

  private static List<float[]> values(LoraAdapter a) {
    List<float[]> out = new ArrayList<>();
    for (var p : a.trainableParameters()) {
      out.add(p.value().toFloatArray());
    }
    return out;
  }

  private static void assertSame(List<float[]> want, List<float[]> got) {
    assertEquals(want.size(), got.size(), "number of adapter tensors");
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i), got.get(i), "adapter tensor " + i);
    }
  }

  private static float[] scalars(TransformerModel m, int[][] rows) {
    try (var step = m.manager().newSubManager()) {
      long[] ids = new long[rows[0].length];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = rows[0][i];
      }
      var pb = dev.align4j.core.model.PaddedBatch.of(step,
          new dev.align4j.api.data.TokenBatch(new int[][] {rows[0]}, dev.align4j.api.data.TokenBatch.Padding.RIGHT),
          0, 0);
      return m.scalars(m.hidden(pb.input(), null)).toFloatArray();
    }
  }

  /**
   * Adapters written by generate_adapter.py (numpy; regenerate with
   * {@code cd alignment-core/src/test/resources/lora && /usr/bin/python3 generate_adapter.py}) give the log-probs it
   * computed in float64, within 1e-4: F32 with q_proj, v_proj, down_proj; BF16 all-linear with rsLoRA.
   */
  @Test
  void adaptersFromTheNumpyReferenceMatchItsLogprobs() throws Exception {
    JsonNode want = JSON.readTree(LoraFixtures.resource("lora/expected.json").toFile());
    int[] ids = new int[want.get("input_ids").size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = want.get("input_ids").get(i).asInt();
    }
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      assertClose(want.get("base_next_token_logprobs"), logprobs(m, new int[][] {ids}), "base");
    }
    var it = want.get("adapters").properties().iterator();
    int checked = 0;
    while (it.hasNext()) {
      var e = it.next();
      try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
        float[] base = logprobs(m, new int[][] {ids});
        LoraAdapter a = LoraAdapter.load(m, LoraFixtures.resource("lora/" + e.getKey()));
        assertEquals(e.getValue().get("scale").asDouble(), a.config().scale(), 1e-12, e.getKey() + " scale");
        float[] got = logprobs(m, new int[][] {ids});
        assertTrue(maxAbsDiff(base, got) > 0.1, e.getKey() + " must change the model");
        assertClose(e.getValue().get("next_token_logprobs"), got, e.getKey());
        checked++;
      }
    }
    assertEquals(2, checked);
  }

  private static void assertClose(JsonNode want, float[] got, String what) {
    assertEquals(want.size(), got.length, what);
    for (int i = 0; i < got.length; i++) {
      assertEquals(want.get(i).asDouble(), got[i], 1e-4, what + " next-token log-prob " + i);
    }
  }

  /** A tensor missing, one extra, or one misnamed (PEFT would silently skip it): refused, naming the tensors. */
  @Test
  void tensorsMustBeExactlyTheMatchedModules() throws Exception {
    Path src = LoraFixtures.resource("lora/tiny-llama-adapter");
    String dropped = "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight";
    Path missing = copyWith(src, "missing", names -> names.equals(dropped) ? null : names);
    Path misnamed = copyWith(src, "misnamed", n -> n.equals(dropped) ? n.replace("lora_B.weight", "lora_B.default.weight") : n);
    Path extra = copyWith(src, "extra", n -> n);
    rewriteConfig(extra, c -> c.putArray("target_modules").add("q_proj").add("v_proj"));
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      IOException e = assertThrows(IOException.class, () -> LoraAdapter.load(m, missing));
      assertTrue(e.getMessage().contains("missing: [" + dropped + "]"), e.getMessage());
    }
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      IOException e = assertThrows(IOException.class, () -> LoraAdapter.load(m, misnamed));
      assertTrue(e.getMessage().contains("missing: [" + dropped + "]")
          && e.getMessage().contains("lora_B.default.weight"), e.getMessage());
    }
    try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
      IOException e = assertThrows(IOException.class, () -> LoraAdapter.load(m, extra));
      assertTrue(e.getMessage().contains("unexpected: [base_model.model.model.layers.0.mlp.down_proj.lora_A.weight"),
          e.getMessage());
    }
  }

  /** Options align4j does not compute are refused by name, never read wrongly. */
  @Test
  void unsupportedOptionsAreRefusedByName() throws Exception {
    Path src = LoraFixtures.resource("lora/tiny-llama-adapter");
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {"peft_type", "\"IA3\"", "peft_type is IA3"});
    cases.add(new String[] {"bias", "\"all\"", "bias is \"all\""});
    cases.add(new String[] {"use_dora", "true", "use_dora is true"});
    cases.add(new String[] {"init_lora_weights", "\"pissa\"", "init_lora_weights is \"pissa\""});
    cases.add(new String[] {"layers_to_transform", "[0]", "layers_to_transform is [0]"});
    cases.add(new String[] {"r", "0", "r (lora rank) must be >= 1, got 0"});
    cases.add(new String[] {"target_modules", "[\"self_attn\"]", "not a linear layer"});
    int i = 0;
    for (String[] c : cases) {
      Path dir = copyWith(src, "bad" + i++, n -> n);
      JsonNode value = JSON.readTree(c[1]);
      rewriteConfig(dir, j -> j.set(c[0], value));
      try (TransformerModel m = load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
        IOException e = assertThrows(IOException.class, () -> LoraAdapter.load(m, dir), c[0]);
        assertTrue(e.getMessage().contains(c[2]) && e.getMessage().contains("adapter_config.json"), e.getMessage());
      }
    }
  }

  private Path copyWith(Path src, String name, UnaryOperator<String> rename) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    Files.copy(src.resolve("adapter_config.json"), dir.resolve("adapter_config.json"));
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsReader r = SafetensorsReader.open(src.resolve("adapter_model.safetensors"))) {
      for (TensorInfo t : r.tensors().values()) {
        String to = rename.apply(t.name());
        if (to != null) {
          w.add(to, r.readFloats(t.name()), t.shape());
        }
      }
    }
    w.write(dir.resolve("adapter_model.safetensors"));
    return dir;
  }

  private static void rewriteConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("adapter_config.json").toFile());
    edit.accept(c);
    JSON.writeValue(dir.resolve("adapter_config.json").toFile(), c);
  }
}
