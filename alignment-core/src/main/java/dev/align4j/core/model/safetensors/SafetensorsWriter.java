package dev.align4j.core.model.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes float32 tensors as a safetensors file, atomically: a temporary file in the same folder, then a rename, so a
 * reader never sees half a checkpoint. The JSON header is padded with spaces so that data starts 8-byte aligned.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, float[]> data = new LinkedHashMap<>();
  private final Map<String, long[]> shapes = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /** A writer with {@code __metadata__ = {"format": "pt"}}, as PyTorch checkpoints have. */
  public SafetensorsWriter() {
    metadata.put("format", "pt");
  }

  /** Adds a tensor; its element count must match the shape and the name must be new. */
  public SafetensorsWriter add(String name, float[] values, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(String.format("tensor %s: shape %s holds %d elements, got %d values",
          name, java.util.Arrays.toString(shape), n, values.length));
    }
    if (data.containsKey(name)) {
      throw new IllegalArgumentException("tensor " + name + " added twice");
    }
    data.put(name, values);
    shapes.put(name, shape.clone());
    return this;
  }

  /** Adds a metadata string. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Writes the file atomically. */
  public void write(Path file) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (Map.Entry<String, float[]> e : data.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      for (long d : shapes.get(e.getKey())) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().length;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    java.util.Arrays.fill(headerBytes, (byte) ' ');
    System.arraycopy(json, 0, headerBytes, 0, json.length);

    long total = 8L + padded + offset;
    AtomicFiles.write(file, total, out -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(headerBytes);
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] values : data.values()) {
        for (float v : values) {
          if (!buf.hasRemaining()) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          buf.putFloat(v);
        }
      }
      out.write(buf.array(), 0, buf.position());
    });
  }
}
