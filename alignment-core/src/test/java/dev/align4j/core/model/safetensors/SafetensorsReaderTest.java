package dev.align4j.core.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, oversized or inconsistent files fail with the file and the tensor named. */
class SafetensorsReaderTest {
  @TempDir
  Path dir;

  private Path file(String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path p = dir.resolve("t" + System.nanoTime() + ".safetensors");
    Files.write(p, b.array());
    return p;
  }

  private void assertFails(Path p, String... fragments) {
    SafetensorsException e = assertThrows(SafetensorsException.class, () -> {
      try (SafetensorsReader r = SafetensorsReader.open(p)) {
        for (String n : r.tensors().keySet()) {
          r.readFloats(n);
        }
      }
    });
    assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' lacks '" + f + "'");
    }
  }

  @Test
  void roundTripsThroughTheWriter() throws IOException {
    Path p = dir.resolve("w.safetensors");
    new SafetensorsWriter().add("a", new float[] {1, 2, 3, 4, 5, 6}, 2, 3).add("b", new float[] {-0.5f}, 1).write(p);
    try (SafetensorsReader r = SafetensorsReader.open(p)) {
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, r.readFloats("a"));
      assertArrayEquals(new long[] {2, 3}, r.tensors().get("a").shape());
      assertEquals("pt", r.metadata().get("format"));
    }
    long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + headerLen) % 8, "data starts 8-byte aligned");
  }

  @Test
  void headerLengthPastTheEndOfFile() throws IOException {
    Path p = dir.resolve("trunc.safetensors");
    Files.write(p, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
    assertFails(p, "header length 1000 does not fit");
  }

  @Test
  void offsetsOutOfRange() throws IOException {
    assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "tensor 'w'",
        "outside the data buffer of 4 bytes");
  }

  @Test
  void shapeTimesDtypeDiffersFromTheByteCount() throws IOException {
    assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "tensor 'w'",
        "does not match the 8 bytes");
  }

  @Test
  void duplicateNames() throws IOException {
    assertFails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "tensor 'w'", "duplicate");
  }

  @Test
  void overlappingTensors() throws IOException {
    assertFails(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlaps");
  }

  @Test
  void unknownDtype() throws IOException {
    assertFails(file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "tensor 'w'",
        "unsupported dtype F8_E4M3");
  }

  @Test
  void halfAndBfloat16AreWidened() throws IOException {
    // F16 0x3c00 = 1.0, 0xc000 = −2.0, 0x0001 = 2^-24 (smallest subnormal); BF16 0x3fc0 = 1.5, 0xc2c8 = −100
    ByteBuffer data = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0001);
    data.putShort((short) 0x3fc0).putShort((short) 0xc2c8);
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[6,10]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer all = ByteBuffer.allocate(8 + h.length + 10).order(ByteOrder.LITTLE_ENDIAN);
    all.putLong(h.length).put(h).put(data.array());
    Path p = dir.resolve("half.safetensors");
    Files.write(p, all.array());
    try (SafetensorsReader r = SafetensorsReader.open(p)) {
      assertArrayEquals(new float[] {1f, -2f, 0x1p-24f}, r.readFloats("h"));
      assertArrayEquals(new float[] {1.5f, -100f}, r.readFloats("b"));
    }
  }
}
