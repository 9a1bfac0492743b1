package dev.align4j.cuda;

/**
 * A CUDA call failed. The message names the call and carries CUDA's own error name and description, e.g.
 * {@code cudaMalloc of 4294967296 bytes failed: cudaErrorMemoryAllocation (2): out of memory}.
 */
public final class CudaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final String errorName;

  CudaException(String what, int code, String errorName, String errorString) {
    super(what + " failed: " + errorName + " (" + code + "): " + errorString);
    this.code = code;
    this.errorName = errorName;
  }

  /** The {@code cudaError_t} value. */
  public int code() {
    return code;
  }

  /** CUDA's name of the error, e.g. {@code cudaErrorMemoryAllocation}. */
  public String errorName() {
    return errorName;
  }

  /** Throws for a non-zero {@code cudaError_t}; the library must be loaded. */
  static void check(int code, String what) {
    if (code != 0) {
      throw new CudaException(what, code, NativeCuda.errorName(code), NativeCuda.errorString(code));
    }
  }
}
