package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.kernel.KernelProviders;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way the loader can fail ends in an unusable status with one explanatory line, never an exception; and the
 * extraction of the jar's library is atomic and content-checked.
 */
class CudaLibraryTest {
  @TempDir
  Path tmp;

  private CudaLibrary.Settings settings(String disabledBy, Path library, URL resource, String os) {
    return new CudaLibrary.Settings(disabledBy, Optional.ofNullable(library), resource, tmp.resolve("extract"), os,
        "amd64");
  }

  @Test
  void disabledLoadsNothing() {
    CudaStatus s = CudaLibrary.probe(settings("-Dalign4j.cuda.disabled=true", null, null, "Linux"));
    assertEquals(CudaStatus.Outcome.DISABLED, s.outcome());
    assertFalse(s.usable());
    assertFalse(s.libraryLoaded());
    assertEquals("align4j: CUDA kernels disabled by -Dalign4j.cuda.disabled=true; the CPU kernels serve",
        s.logLine());
  }

  @Test
  void systemPropertiesDisable() {
    String before = System.getProperty(CudaLibrary.DISABLE_PROPERTY);
    String kernels = System.getProperty(KernelProviders.PROPERTY);
    try {
      System.setProperty(CudaLibrary.DISABLE_PROPERTY, "true");
      assertEquals("-Dalign4j.cuda.disabled=true", CudaLibrary.Settings.fromSystem().disabledBy());
      System.setProperty(CudaLibrary.DISABLE_PROPERTY, "");
      assertEquals("-Dalign4j.cuda.disabled=", CudaLibrary.Settings.fromSystem().disabledBy());
      System.setProperty(CudaLibrary.DISABLE_PROPERTY, "false");
      assertEquals(null, CudaLibrary.Settings.fromSystem().disabledBy());
      System.clearProperty(CudaLibrary.DISABLE_PROPERTY);
      System.setProperty(KernelProviders.PROPERTY, "cpu");
      assertEquals("-Dalign4j.kernels=cpu, which selects another provider",
          CudaLibrary.Settings.fromSystem().disabledBy());
      System.setProperty(KernelProviders.PROPERTY, " CUDA ");
      assertEquals(null, CudaLibrary.Settings.fromSystem().disabledBy());
    } finally {
      restore(CudaLibrary.DISABLE_PROPERTY, before);
      restore(KernelProviders.PROPERTY, kernels);
    }
  }

  @Test
  void aRelativeExtractDirectoryIsMadeAbsolute() {
    String before = System.getProperty(CudaLibrary.EXTRACT_DIR_PROPERTY);
    try {
      System.setProperty(CudaLibrary.EXTRACT_DIR_PROPERTY, "relative/dir");
      Path dir = CudaLibrary.Settings.fromSystem().extractDir();
      assertTrue(dir.isAbsolute(), dir.toString());
      assertEquals(Path.of("relative/dir").toAbsolutePath(), dir);
    } finally {
      restore(CudaLibrary.EXTRACT_DIR_PROPERTY, before);
    }
  }

  @Test
  void aJarWithoutTheLibraryFallsBack() {
    CudaStatus s = CudaLibrary.probe(settings(null, null, null, "Linux"));
    assertEquals(CudaStatus.Outcome.NO_LIBRARY, s.outcome());
    assertEquals("align4j: CUDA kernels unavailable (no native library): this alignment-cuda jar holds no"
        + " native/linux-x86_64/libalign4j_cuda.so (it was built without nvcc: the cuda-native Maven profile was off);"
        + " the CPU kernels serve", s.logLine());
  }

  @Test
  void anotherPlatformFallsBack() throws IOException {
    Path fake = Files.write(tmp.resolve("lib.so"), new byte[] {1, 2, 3});
    CudaStatus s = CudaLibrary.probe(settings(null, null, fake.toUri().toURL(), "Mac OS X"));
    assertEquals(CudaStatus.Outcome.NO_LIBRARY, s.outcome());
    assertTrue(s.detail().contains("only, this JVM runs on Mac OS X/amd64"), s.detail());
  }

  @Test
  void aMissingLibraryFileFallsBack() {
    Path missing = tmp.resolve("nope/libalign4j_cuda.so");
    CudaStatus s = CudaLibrary.probe(settings(null, missing, null, "Linux"));
    assertEquals(CudaStatus.Outcome.LIBRARY_FAILED, s.outcome());
    assertEquals("-Dalign4j.cuda.library=" + missing + " names no file", s.detail());
  }

  @Test
  void aCorruptLibraryFallsBackWithoutReachingDlopen() throws IOException {
    byte[] junk = new byte[4096];
    new Random(1).nextBytes(junk);
    Path corrupt = Files.write(tmp.resolve("libcorrupt.so"), junk);
    CudaStatus s = CudaLibrary.probe(settings(null, corrupt, null, "Linux"));
    assertEquals(CudaStatus.Outcome.LIBRARY_FAILED, s.outcome());
    assertEquals(corrupt + " is not a loadable x86-64 shared library: not an ELF file", s.detail());
    assertTrue(s.logLine().startsWith("align4j: CUDA kernels unavailable (native library failed): "), s.logLine());
  }

  @Test
  void aTruncatedLibraryFallsBackWithoutReachingDlopen() throws IOException {
    byte[] real = TestElf.realLibrary();
    byte[] whole = real != null ? real : TestElf.minimal(100_000);
    Path truncated = Files.write(tmp.resolve("libtruncated.so"), Arrays.copyOf(whole, whole.length / 2));
    CudaStatus s = CudaLibrary.probe(settings(null, truncated, null, "Linux"));
    assertEquals(CudaStatus.Outcome.LIBRARY_FAILED, s.outcome());
    assertTrue(s.detail().startsWith(truncated + " is not a loadable x86-64 shared library: "), s.detail());
    assertTrue(s.detail().endsWith("(truncated?)"), s.detail());
  }

  @Test
  void aLibraryThatDlopenRefusesFallsBack() throws IOException {
    // Structurally complete, but no dynamic section: dlopen fails cleanly with an UnsatisfiedLinkError.
    Path hollow = Files.write(tmp.resolve("libhollow.so"), TestElf.minimal(4096));
    CudaStatus s = CudaLibrary.probe(settings(null, hollow, null, "Linux"));
    assertEquals(CudaStatus.Outcome.LIBRARY_FAILED, s.outcome());
    assertTrue(s.detail().startsWith("could not load " + hollow + ": java.lang.UnsatisfiedLinkError"), s.detail());
  }

  @Test
  void aDamagedJarCopyIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("jar/native/linux-x86_64"));
    byte[] elf = TestElf.minimal(4096);
    Path lib = Files.write(dir.resolve(CudaLibrary.LIBRARY_FILE), elf);
    Files.writeString(dir.resolve(CudaLibrary.LIBRARY_FILE + ".sha256"), "00ff".repeat(16) + "\n");
    CudaStatus s = CudaLibrary.probe(settings(null, null, lib.toUri().toURL(), "Linux"));
    assertEquals(CudaStatus.Outcome.LIBRARY_FAILED, s.outcome());
    assertEquals("the jar's native/linux-x86_64/libalign4j_cuda.so does not match its SHA-256 ("
        + "00ff".repeat(16) + "): a damaged jar", s.detail());
    assertFalse(Files.exists(tmp.resolve("extract")), "nothing was extracted");
  }

  @Test
  void anUnwritableExtractDirectoryFallsBack() throws IOException {
    Path file = Files.write(tmp.resolve("a-file"), new byte[1]);
    Path lib = Files.write(tmp.resolve(CudaLibrary.LIBRARY_FILE), TestElf.minimal(4096));
    CudaStatus s = CudaLibrary.probe(new CudaLibrary.Settings(null, Optional.empty(), lib.toUri().toURL(),
        file.resolve("below-a-file"), "Linux", "amd64"));
    assertEquals(CudaStatus.Outcome.LIBRARY_FAILED, s.outcome());
    assertTrue(s.detail().startsWith("could not extract libalign4j_cuda.so to " + file.resolve("below-a-file")),
        s.detail());
  }

  @Test
  void extractionIsContentAddressedAndRepairsAlteredFiles() throws IOException {
    byte[] content = new byte[100_000];
    new Random(2).nextBytes(content);
    Path root = tmp.resolve("root");
    Path first = CudaLibrary.extract(content, root);
    assertArrayEquals(content, Files.readAllBytes(first));
    assertTrue(first.getParent().getFileName().toString().matches("cuda-[0-9a-f]{16}"), first.toString());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.getParent())));
    long modified = Files.getLastModifiedTime(first).toMillis();
    assertEquals(first, CudaLibrary.extract(content, root));
    assertEquals(modified, Files.getLastModifiedTime(first).toMillis(), "an intact copy is reused");
    Files.write(first, new byte[10]); // truncated by someone else
    assertEquals(first, CudaLibrary.extract(content, root));
    assertArrayEquals(content, Files.readAllBytes(first));
    assertEquals(List.of(first.getFileName().toString()), names(first.getParent()), "no temporary file is left");
  }

  @Test
  void concurrentExtractionsAgree() throws Exception {
    byte[] content = new byte[500_000];
    new Random(3).nextBytes(content);
    Path root = tmp.resolve("concurrent");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Path>> jobs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        jobs.add(() -> CudaLibrary.extract(content, root));
      }
      Set<Path> paths = new java.util.HashSet<>();
      for (Future<Path> f : pool.invokeAll(jobs)) {
        paths.add(f.get());
      }
      assertEquals(1, paths.size());
      Path p = paths.iterator().next();
      assertArrayEquals(content, Files.readAllBytes(p));
      assertEquals(List.of(p.getFileName().toString()), names(p.getParent()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void thisJvmsStatusMatchesTheBuild() {
    CudaStatus s = CudaLibrary.status();
    if (NativeLibraryAssumption.expectNative()) {
      assertTrue(s.libraryLoaded(), s.logLine());
    } else {
      assertEquals(CudaStatus.Outcome.NO_LIBRARY, s.outcome(), s.logLine());
    }
    assertEquals(s.usable(), new CudaKernelProvider().isUsable());
    assertEquals(s.usable(), s.device().isPresent(), "a device is described exactly when usable");
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
