package dev.align4j.cuda;

/**
 * Where the kernels of the native library run. The codes are those of {@code jni_binding.cpp}.
 */
enum Backend {
  /** On the GPU: pointers are device pointers. */
  DEVICE(0),
  /**
   * The same per-thread kernel code replayed on the host, block after block, with the GPU's reduction order
   * ({@code host_emulation.cu}); pointers are host pointers. For checking the kernels' numerics without a GPU.
   */
  HOST_EMULATION(1);

  private final int code;

  Backend(int code) {
    this.code = code;
  }

  int code() {
    return code;
  }
}
