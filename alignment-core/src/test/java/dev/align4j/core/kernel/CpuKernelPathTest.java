package dev.align4j.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which path the CPU provider takes, and how a user chooses. */
class CpuKernelPathTest {
  private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  @Test
  void theVectorApiPathIsAvailableExactlyWhenTheModuleIsInTheBootLayer() {
    // the surefire configuration adds the module; a JVM without it must still load the provider
    boolean wideVectors = !CpuKernelPath.vectorApiUnavailableReason().orElse("").contains("needs at least 8");
    assertEquals(MODULE_PRESENT && wideVectors, CpuKernelPath.VECTOR_API.isAvailable(),
        () -> "reason: " + CpuKernelPath.vectorApiUnavailableReason());
    assertTrue(CpuKernelPath.SCALAR.isAvailable());
    assertEquals(CpuKernelPath.VECTOR_API.isAvailable(), CpuKernelPath.vectorApiUnavailableReason().isEmpty());
  }

  @Test
  void theDefaultProviderTakesTheFastestAvailablePath() {
    CpuKernelProvider p = new CpuKernelProvider();
    assertEquals(CpuKernelPath.VECTOR_API.isAvailable() ? CpuKernelPath.VECTOR_API : CpuKernelPath.SCALAR, p.path());
    assertEquals("cpu", p.name());
    assertEquals(CpuKernelPath.SCALAR, p.with(CpuKernelPath.SCALAR).path());
  }

  @Test
  void thePropertyKeepsTheDefaultProviderOnTheScalarPath() {
    String before = System.getProperty(CpuKernelPath.VECTOR_PROPERTY);
    System.setProperty(CpuKernelPath.VECTOR_PROPERTY, "false");
    try {
      assertEquals(CpuKernelPath.SCALAR, new CpuKernelProvider().path());
    } finally {
      if (before == null) {
        System.clearProperty(CpuKernelPath.VECTOR_PROPERTY);
      } else {
        System.setProperty(CpuKernelPath.VECTOR_PROPERTY, before);
      }
    }
  }

  @Test
  void askingForAnUnavailablePathNamesTheReason() {
    if (CpuKernelPath.VECTOR_API.isAvailable()) {
      assertEquals(CpuKernelPath.VECTOR_API, new CpuKernelProvider().with(CpuKernelPath.VECTOR_API).path());
    } else {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> new CpuKernelProvider().with(CpuKernelPath.VECTOR_API));
      assertTrue(e.getMessage().contains("not available"), e.getMessage());
    }
  }

  @Test
  void threadsAreAtLeastOneAndCanBeSet() {
    assertEquals(3, new CpuKernelProvider().withThreads(3).threads());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CpuKernelProvider().withThreads(0));
    assertTrue(e.getMessage().contains("threads must be >= 1, got 0"), e.getMessage());
    assertTrue(new CpuKernelProvider().withThreads(1).toString().contains("1 thread)"));
  }
}
