package dev.align4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigJsonTest {
  @TempDir
  Path dir;

  private Path config(String json) throws IOException {
    Path p = dir.resolve("config.json");
    Files.writeString(p, json);
    return p;
  }

  @Test
  void missingKeysTakeTheFamilyDefaults() throws IOException {
    LlamaConfig l = (LlamaConfig) HfConfigJson.read(config("{\"model_type\":\"llama\",\"vocab_size\":10,"
        + "\"hidden_size\":32,\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4}"));
    assertEquals(8, l.headDim(), "head_dim = hidden/heads");
    assertEquals(4, l.numKvHeads(), "num_key_value_heads = num_attention_heads");
    assertFalse(l.tieWordEmbeddings(), "Llama does not tie by default");
    Gpt2Config g = (Gpt2Config) HfConfigJson.read(config("{\"model_type\":\"gpt2\",\"vocab_size\":10,"
        + "\"n_embd\":32,\"n_head\":4,\"n_layer\":1,\"n_inner\":null}"));
    assertTrue(g.tieWordEmbeddings(), "GPT-2 ties by default");
    assertEquals(128, g.innerSize(), "n_inner null means 4·n_embd");
  }

  @Test
  void unsupportedArchitecturesAndRopeScalingsAreNamed() throws IOException {
    IOException e = assertThrows(IOException.class, () -> HfConfigJson.read(config("{\"model_type\":\"mamba\"}")));
    assertTrue(e.getMessage().contains("model_type 'mamba' is not supported"), e.getMessage());
    e = assertThrows(IOException.class, () -> HfConfigJson.read(config("{\"model_type\":\"llama\","
        + "\"vocab_size\":10,\"hidden_size\":32,\"intermediate_size\":64,\"num_hidden_layers\":1,"
        + "\"num_attention_heads\":4,\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4}}")));
    assertTrue(e.getMessage().contains("rope_scaling type 'yarn' is not supported"), e.getMessage());
    e = assertThrows(IOException.class, () -> HfConfigJson.read(config("{\"model_type\":\"llama\","
        + "\"vocab_size\":10,\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4}")));
    assertTrue(e.getMessage().contains("missing required key 'hidden_size'"), e.getMessage());
  }
}
