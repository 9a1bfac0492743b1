package dev.align4j.core.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random corruptions of a real checkpoint (tiny-gpt2) either still read or fail with a {@link SafetensorsException};
 * never another exception, never a crash.
 */
class SafetensorsCorruptionProperties {
  private static final byte[] ORIGINAL;

  static {
    try {
      ORIGINAL = Files.readAllBytes(Path.of(SafetensorsCorruptionProperties.class
          .getResource("/models/tiny-gpt2/model.safetensors").toURI()));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  enum Corruption { TRUNCATE, FLIP_HEADER_BYTES, HEADER_LENGTH, EDIT_NUMBER, APPEND_GARBAGE }

  @Property(tries = 1000)   // issue 14: every parser's fuzz runs at least 1,000 tries in the default suite
  void corruptFilesFailCleanly(@ForAll Corruption kind, @ForAll long seed, @ForAll @IntRange(min = 1, max = 8)
      int edits) throws Exception {
    Random rnd = new Random(seed);
    byte[] b = ORIGINAL.clone();
    long headerLen = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    switch (kind) {
      case TRUNCATE -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
      case FLIP_HEADER_BYTES -> {
        for (int i = 0; i < edits; i++) {
          b[8 + rnd.nextInt((int) headerLen)] = (byte) rnd.nextInt(256);
        }
      }
      case HEADER_LENGTH -> ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(
          rnd.nextBoolean() ? rnd.nextLong() : headerLen + rnd.nextInt(64) - 32);
      case EDIT_NUMBER -> {
        for (int i = 0; i < edits; i++) {
          int pos = 8 + rnd.nextInt((int) headerLen);
          if (Character.isDigit(b[pos])) {
            b[pos] = (byte) ('0' + rnd.nextInt(10));
          }
        }
      }
      case APPEND_GARBAGE -> {
        b = java.util.Arrays.copyOf(b, b.length + 1 + rnd.nextInt(100));
      }
    }
    Path p = Files.createTempFile("corrupt", ".safetensors");
    try {
      Files.write(p, b);
      try (SafetensorsReader r = SafetensorsReader.open(p)) {
        for (TensorInfo t : r.tensors().values()) {
          if (t.dtype().isFloating()) {
            r.readFloats(t.name());
          }
        }
      } catch (SafetensorsException expected) {
        // the one allowed failure
      } catch (IOException | RuntimeException | Error other) {
        throw new AssertionError(kind + " corruption raised " + other, other);
      }
    } finally {
      Files.deleteIfExists(p);
    }
  }
}
