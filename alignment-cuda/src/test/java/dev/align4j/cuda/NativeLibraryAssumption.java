package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that call into libalign4j_cuda.so. A build with the cuda-native profile sets
 * {@code align4j.cuda.expectNative=true}: then a library that does not load fails these tests instead of skipping
 * them. Without the profile (no nvcc, or {@code -P!cuda-native}) they are skipped with the loader's reason.
 */
final class NativeLibraryAssumption {
  private NativeLibraryAssumption() {}

  static boolean expectNative() {
    return Boolean.getBoolean("align4j.cuda.expectNative");
  }

  /** Skips (or, when the build made the library, fails) unless the native library is loaded. */
  static void assumeLibraryLoaded() {
    CudaStatus s = CudaLibrary.status();
    if (s.libraryLoaded()) {
      return;
    }
    if (expectNative()) {
      fail("the cuda-native profile built libalign4j_cuda.so, but it did not load: " + s.logLine());
    }
    assumeTrue(false, "no native library in this build (-P!cuda-native or no nvcc): " + s.logLine());
  }

  /** Skips unless a CUDA device is usable (the gpu-tagged tests). */
  static void assumeDevice() {
    CudaStatus s = CudaLibrary.status();
    assumeTrue(s.usable(), () -> "no usable CUDA device here: " + s.logLine());
  }
}
