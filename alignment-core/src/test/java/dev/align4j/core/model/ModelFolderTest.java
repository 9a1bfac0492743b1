package dev.align4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving writes a Hugging Face folder that reloads bit-identically and carries HF names and layouts. */
class ModelFolderTest {

  private static Path resource(String name) throws Exception {
    return Path.of(ModelFolderTest.class.getResource("/models/" + name).toURI());
  }

  @Test
  void aSavedModelReloadsBitIdentically(@TempDir Path dir) throws Exception {
    for (String name : new String[] {"tiny-llama", "tiny-gpt2", "variants/gpt2-hub-names"}) {
      Path out = dir.resolve(name.replace('/', '_'));
      try (TransformerModel m = ModelFolder.load(resource(name), HeadKind.LANGUAGE_MODEL)) {
        ModelFolder.save(m, out, TokenizerFiles.of(resource(name)), Provenance.of("test", name, "none", null), null);
        try (TransformerModel back = ModelFolder.load(out, HeadKind.LANGUAGE_MODEL)) {
          for (int i = 0; i < m.parameters().size(); i++) {
            Parameter a = m.parameters().get(i);
            Parameter b = back.parameters().get(i);
            assertEquals(a.name(), b.name());
            assertArrayEquals(a.value().toFloatArray(), b.value().toFloatArray(), 0f, a.name());
          }
        }
      }
      assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
      assertTrue(Files.isRegularFile(out.resolve("align4j_provenance.json")));
    }
  }

  /**
   * An independent reader (the format as the shared README specifies it, written here without align4j's reader)
   * finds the Hugging Face names and shapes of the original checkpoint in align4j's file.
   */
  @Test
  void savedTensorsCarryHuggingFaceNamesAndShapes(@TempDir Path dir) throws Exception {
    for (String name : new String[] {"tiny-llama", "tiny-gpt2"}) {
      Path out = dir.resolve(name);
      try (TransformerModel m = ModelFolder.load(resource(name), HeadKind.LANGUAGE_MODEL)) {
        ModelFolder.save(m, out, TokenizerFiles.of(resource(name)), null, null);
      }
      assertEquals(headerShapes(resource(name).resolve("model.safetensors")),
          headerShapes(out.resolve("model.safetensors")), name);
      JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
      assertEquals(name.equals("tiny-llama") ? "LlamaForCausalLM" : "GPT2LMHeadModel",
          config.get("architectures").get(0).asText());
    }
  }

  @Test
  void aScalarHeadIsSavedAsSequenceClassification(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("rm");
    try (TransformerModel m = ModelFolder.load(resource("tiny-gpt2"), HeadKind.SCALAR)) {
      assertArrayEquals(new float[48], m.parameterSet().get("score.weight").value().toFloatArray(), 0f,
          "a new score head starts at zero");
      ModelFolder.save(m, out, TokenizerFiles.of(resource("tiny-gpt2")), null, null);
    }
    Map<String, String> shapes = headerShapes(out.resolve("model.safetensors"));
    assertEquals("[1, 48]", shapes.get("score.weight"), "score.weight is (num_labels, hidden) as nn.Linear stores it");
    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals("GPT2ForSequenceClassification", config.get("architectures").get(0).asText());
    assertEquals(1, config.get("num_labels").asInt());
    try (TransformerModel back = ModelFolder.load(out, HeadKind.SCALAR)) {
      assertEquals(HeadKind.SCALAR, back.headKind());
    }
  }

  /** name → shape text, read with nothing but a ByteBuffer and Jackson. */
  private static Map<String, String> headerShapes(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    Map<String, String> shapes = new TreeMap<>();
    header.properties().forEach(e -> {
      if (!e.getKey().equals("__metadata__")) {
        JsonNode s = e.getValue().get("shape");
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.size(); i++) {
          b.append(i == 0 ? "" : ", ").append(s.get(i).asLong());
        }
        long[] off = {e.getValue().get("data_offsets").get(0).asLong(), e.getValue().get("data_offsets").get(1).asLong()};
        assertTrue(8 + n + off[1] <= bytes.length, "offsets inside the file");
        shapes.put(e.getKey(), b.append("]").toString());
      }
    });
    return shapes;
  }
}
