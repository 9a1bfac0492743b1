package dev.align4j.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Structural checks of a shared library before it is handed to {@code dlopen}: a truncated or garbled file can
 * crash the dynamic loader (and the JVM with it) instead of failing, so the loader refuses what is not a complete
 * little-endian x86-64 ELF shared object. This catches truncation, random bytes and the wrong architecture; it is no
 * proof that the code inside is sound (the jar's copy is also checked against the SHA-256 written at build time).
 */
final class SharedLibraryCheck {
  private static final int EM_X86_64 = 62;
  private static final int ET_DYN = 3;
  private static final int PT_LOAD = 1;
  private static final int HEADER_BYTES = 64;

  private SharedLibraryCheck() {}

  /** Why {@code bytes} cannot be loaded, or empty when the structure is complete. */
  static Optional<String> problem(byte[] bytes) {
    if (bytes.length < HEADER_BYTES) {
      return Optional.of("only " + bytes.length + " bytes, shorter than an ELF header");
    }
    if (bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
      return Optional.of("not an ELF file");
    }
    if (bytes[4] != 2 || bytes[5] != 1) {
      return Optional.of("not a 64-bit little-endian ELF file");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int type = Short.toUnsignedInt(b.getShort(16));
    int machine = Short.toUnsignedInt(b.getShort(18));
    if (type != ET_DYN) {
      return Optional.of("ELF type " + type + ", not a shared object");
    }
    if (machine != EM_X86_64) {
      return Optional.of("built for ELF machine " + machine + ", not x86-64");
    }
    long phoff = b.getLong(32);
    long shoff = b.getLong(40);
    int phentsize = Short.toUnsignedInt(b.getShort(54));
    int phnum = Short.toUnsignedInt(b.getShort(56));
    int shentsize = Short.toUnsignedInt(b.getShort(58));
    int shnum = Short.toUnsignedInt(b.getShort(60));
    long size = bytes.length;
    if (phnum == 0 || phentsize < 56 || !within(phoff, (long) phnum * phentsize, size)) {
      return Optional.of("program headers lie outside the file (truncated?)");
    }
    if (shoff != 0 && !within(shoff, (long) shnum * shentsize, size)) {
      return Optional.of("section headers lie outside the file (truncated?)");
    }
    for (int i = 0; i < phnum; i++) {
      int at = (int) (phoff + (long) i * phentsize);
      if (b.getInt(at) == PT_LOAD) {
        long offset = b.getLong(at + 8);
        long fileSize = b.getLong(at + 32);
        if (!within(offset, fileSize, size)) {
          return Optional.of("a loadable segment ends at byte " + (offset + fileSize) + " of a " + size
              + "-byte file (truncated?)");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean within(long offset, long length, long size) {
    return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
  }
}
