package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The structural check that keeps truncated or foreign files away from dlopen (which can crash on them). */
class SharedLibraryCheckTest {

  @Test
  void aCompleteSharedObjectPasses() {
    assertEquals(Optional.empty(), SharedLibraryCheck.problem(TestElf.minimal(200)));
    byte[] real = TestElf.realLibrary();
    if (real != null) {
      assertEquals(Optional.empty(), SharedLibraryCheck.problem(real));
    }
  }

  @Test
  void truncationIsCaught() {
    byte[] elf = TestElf.minimal(4096);
    assertEquals(Optional.of("a loadable segment ends at byte 4096 of a 1000-byte file (truncated?)"),
        SharedLibraryCheck.problem(Arrays.copyOf(elf, 1000)));
    assertEquals(Optional.of("program headers lie outside the file (truncated?)"),
        SharedLibraryCheck.problem(Arrays.copyOf(elf, 100)));
    assertEquals(Optional.of("only 10 bytes, shorter than an ELF header"),
        SharedLibraryCheck.problem(Arrays.copyOf(elf, 10)));
    byte[] real = TestElf.realLibrary();
    if (real != null) {
      for (int keep : new int[] {64, 4096, 65536, real.length / 2, real.length - 1}) {
        assertTrue(SharedLibraryCheck.problem(Arrays.copyOf(real, keep)).isPresent(), "kept " + keep + " bytes");
      }
    }
  }

  @Test
  void foreignFilesAreCaught() {
    assertEquals(Optional.of("not an ELF file"), SharedLibraryCheck.problem(new byte[100]));
    byte[] arm = TestElf.minimal(200);
    ByteBuffer.wrap(arm).order(ByteOrder.LITTLE_ENDIAN).putShort(18, (short) 183); // EM_AARCH64
    assertEquals(Optional.of("built for ELF machine 183, not x86-64"), SharedLibraryCheck.problem(arm));
    byte[] executable = TestElf.minimal(200);
    executable[16] = 2; // ET_EXEC
    assertEquals(Optional.of("ELF type 2, not a shared object"), SharedLibraryCheck.problem(executable));
    byte[] bits32 = TestElf.minimal(200);
    bits32[4] = 1;
    assertEquals(Optional.of("not a 64-bit little-endian ELF file"), SharedLibraryCheck.problem(bits32));
  }
}
