package dev.align4j.core.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a checkpoint folder: a single {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json} ({@code weight_map}: tensor name → shard file). Opens every file it needs
 * and closes them together.
 */
public final class CheckpointTensors implements AutoCloseable {
  private final Map<String, SafetensorsReader> byTensor;
  private final List<SafetensorsReader> readers;

  private CheckpointTensors(Map<String, SafetensorsReader> byTensor, List<SafetensorsReader> readers) {
    this.byTensor = byTensor;
    this.readers = readers;
  }

  /** Opens the checkpoint in {@code folder}. */
  public static CheckpointTensors open(Path folder) throws IOException {
    Path single = folder.resolve("model.safetensors");
    Path index = folder.resolve("model.safetensors.index.json");
    List<SafetensorsReader> readers = new ArrayList<>();
    Map<String, SafetensorsReader> byTensor = new LinkedHashMap<>();
    try {
      if (Files.isRegularFile(single)) {
        SafetensorsReader r = SafetensorsReader.open(single);
        readers.add(r);
        r.tensors().keySet().forEach(n -> byTensor.put(n, r));
      } else if (Files.isRegularFile(index)) {
        JsonNode map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
        if (map == null || !map.isObject()) {
          throw new IOException(index + ": missing object 'weight_map' (tensor name → shard file)");
        }
        Map<String, SafetensorsReader> shards = new LinkedHashMap<>();
        var it = map.properties().iterator();
        while (it.hasNext()) {
          var e = it.next();
          String shard = e.getValue().asText();
          if (shard.contains("/") || shard.contains("\\")) {
            throw new IOException(index + ": tensor '" + e.getKey() + "' names shard '" + shard
                + "' outside the folder");
          }
          SafetensorsReader r = shards.get(shard);
          if (r == null) {
            r = SafetensorsReader.open(folder.resolve(shard));
            shards.put(shard, r);
            readers.add(r);
          }
          if (!r.tensors().containsKey(e.getKey())) {
            throw new IOException(index + ": tensor '" + e.getKey() + "' is listed in shard " + shard
                + " but that file does not hold it");
          }
          byTensor.put(e.getKey(), r);
        }
      } else {
        throw new IOException(folder + ": no model.safetensors or model.safetensors.index.json (a Hugging Face"
            + " checkpoint folder saved with safe_serialization; .bin checkpoints are not read)");
      }
    } catch (IOException | RuntimeException e) {
      for (SafetensorsReader r : readers) {
        r.close();
      }
      throw e;
    }
    return new CheckpointTensors(byTensor, readers);
  }

  /** Every tensor name with its header entry. */
  public Map<String, TensorInfo> tensors() {
    Map<String, TensorInfo> m = new LinkedHashMap<>();
    byTensor.forEach((n, r) -> m.put(n, r.tensors().get(n)));
    return Collections.unmodifiableMap(m);
  }

  /** Whether the checkpoint holds a tensor of that name. */
  public boolean has(String name) {
    return byTensor.containsKey(name);
  }

  /** Reads a tensor as float32. */
  public float[] readFloats(String name) throws IOException {
    SafetensorsReader r = byTensor.get(name);
    if (r == null) {
      throw new IOException("checkpoint has no tensor '" + name + "'");
    }
    return r.readFloats(name);
  }

  /** The header entry of a tensor. */
  public TensorInfo info(String name) {
    SafetensorsReader r = byTensor.get(name);
    return r == null ? null : r.tensors().get(name);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsReader r : readers) {
      try {
        r.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
