package dev.align4j.cuda;

import java.util.Locale;

/**
 * The GPU the CUDA kernels run on (device 0).
 *
 * @param name the device's name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param major compute capability, major
 * @param minor compute capability, minor
 * @param multiprocessors streaming multiprocessors
 * @param totalMemory device memory in bytes
 * @param driverVersion the driver's CUDA version, e.g. 13000 for 13.0
 * @param runtimeVersion the CUDA runtime linked into the library, e.g. 13000
 * @param memoryPools whether the device has stream-ordered memory pools (allocations are then cached)
 */
public record CudaDevice(String name, int major, int minor, int multiprocessors, long totalMemory, int driverVersion,
    int runtimeVersion, boolean memoryPools) {

  /** One line for logs: name, compute capability, memory, multiprocessors, driver and runtime versions. */
  public String describe() {
    return String.format(Locale.ROOT, "%s (compute capability %d.%d, %.1f GiB, %d SMs, driver %s, runtime %s)", name,
        major, minor, totalMemory / (double) (1L << 30), multiprocessors, version(driverVersion),
        version(runtimeVersion));
  }

  static String version(int v) {
    return (v / 1000) + "." + (v % 1000) / 10;
  }
}
