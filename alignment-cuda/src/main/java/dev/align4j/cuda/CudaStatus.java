package dev.align4j.cuda;

import java.util.Optional;

/**
 * Whether the CUDA kernels can run in this JVM, and if not, why. Found once per JVM by the loader and logged once
 * ({@link #logLine()}); see {@link CudaKernelProvider#status()}.
 *
 * @param outcome what the loader found
 * @param detail the specifics: the CUDA error, the file, the property
 * @param device the GPU, present only when {@link #usable()}
 */
public record CudaStatus(Outcome outcome, String detail, Optional<CudaDevice> device) {

  /** What the loader found, in the order it checks. */
  public enum Outcome {
    /** {@code -Dalign4j.cuda.disabled=true}, or {@code -Dalign4j.kernels} names another provider. */
    DISABLED("disabled"),
    /** The jar holds no native library for this platform (e.g. it was built without nvcc). */
    NO_LIBRARY("no native library"),
    /** The native library could not be extracted or loaded (corrupt, wrong architecture, ABI mismatch). */
    LIBRARY_FAILED("native library failed"),
    /** No NVIDIA driver, or one too old for the CUDA runtime of the library (CUDA error 35). */
    NO_DRIVER("no driver"),
    /** A driver but no CUDA device (CUDA error 100), e.g. {@code CUDA_VISIBLE_DEVICES=""}. */
    NO_DEVICE("no device"),
    /** A device the library holds no code for (compute capability below 8.0). */
    UNSUPPORTED_DEVICE("unsupported device"),
    /** The device was found but failed its properties query or the self-test kernel. */
    DEVICE_FAILED("device failed"),
    /** The kernels run on the device. */
    USABLE("usable");

    private final String words;

    Outcome(String words) {
      this.words = words;
    }
  }

  /** Whether the CUDA kernels run here. */
  public boolean usable() {
    return outcome == Outcome.USABLE;
  }

  /** Whether the native library is loaded (the JNI methods can be called, a device or not). */
  public boolean libraryLoaded() {
    return outcome.compareTo(Outcome.NO_DRIVER) >= 0;
  }

  /** The one line the loader logs. */
  public String logLine() {
    if (usable()) {
      return "align4j: CUDA kernels on " + device.map(CudaDevice::describe).orElse("?");
    }
    if (outcome == Outcome.DISABLED) {
      return "align4j: CUDA kernels disabled by " + detail + "; the CPU kernels serve";
    }
    return "align4j: CUDA kernels unavailable (" + outcome.words + "): " + detail + "; the CPU kernels serve";
  }
}
