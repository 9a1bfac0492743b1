package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.conformance.CaseOutcome;
import dev.align4j.core.conformance.ConformanceRunner;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every kernel-op case of the conformance vectors passes through the CUDA kernels' own code, replayed on the host
 * ({@code host_emulation.cu}: the same per-thread functions, launch shapes and reduction order as the GPU), reached
 * through the real provider path (argument checks, copies through JNI, the C ABI). This is the numerics check that
 * runs without a GPU; {@code GpuKernelsTest} repeats it on a device.
 */
class HostEmulationConformanceTest {
  /** Kernel-op cases in the vector folders: token_logprobs, entropy, full_kl, kl_per_token, kl_penalized_rewards,
   * gae, whiten, grpo_advantages and align4j's gae/grpo extras. */
  static final int PUBLIC_KERNEL_CASES = 83;
  static final int EXTRA_KERNEL_CASES = 8;

  @BeforeEach
  void library() {
    NativeLibraryAssumption.assumeLibraryLoaded();
  }

  @TestFactory
  Stream<DynamicTest> publicVectors() {
    return cases("conformance", PUBLIC_KERNEL_CASES);
  }

  @TestFactory
  Stream<DynamicTest> align4jVectors() {
    return cases("conformance-extra", EXTRA_KERNEL_CASES);
  }

  static Stream<DynamicTest> cases(ConformanceRunner runner, String folder, int expected) {
    List<CaseOutcome> outcomes = ConformanceFiles.run(runner, folder);
    assertEquals(expected, outcomes.size(), "kernel-op cases in " + folder);
    return outcomes.stream().map(o -> DynamicTest.dynamicTest(o.file() + ":" + o.line() + " " + o.id(),
        () -> assertTrue(o.passed(), () -> o.failLine() + " (" + o.detail() + ")")));
  }

  private static Stream<DynamicTest> cases(String folder, int expected) {
    return cases(ConformanceRunner.kernelsOnly(List.of(CudaKernelProvider.hostEmulation())), folder, expected);
  }
}
