package dev.align4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ELF files for the loader tests: a minimal well-formed x86-64 shared-object header, and the real library. */
final class TestElf {
  private TestElf() {}

  /**
   * A 64-byte ELF header and two program headers (a PT_LOAD covering the whole file, a PT_GNU_STACK), padded to
   * {@code size} bytes.
   */
  static byte[] minimal(int size) {
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.putShort(16, (short) 3); // ET_DYN
    b.putShort(18, (short) 62); // EM_X86_64
    b.putLong(32, 64); // e_phoff
    b.putLong(40, 0); // no section headers
    b.putShort(54, (short) 56); // e_phentsize
    b.putShort(56, (short) 2); // e_phnum
    b.putInt(64, 1); // PT_LOAD
    b.putLong(64 + 8, 0); // p_offset
    b.putLong(64 + 32, size); // p_filesz
    b.putInt(120, 0x6474e551); // PT_GNU_STACK: a non-executable stack, so the JVM does not warn about it
    b.putInt(124, 6); // PF_R | PF_W
    return b.array();
  }

  /** The library this build put into the jar, or null without the cuda-native profile. */
  static byte[] realLibrary() {
    URL url = CudaLibrary.class.getResource(CudaLibrary.RESOURCE);
    if (url == null) {
      return null;
    }
    try (InputStream in = url.openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
