package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JNI binding as it links on this machine: the registration table, the ABI version, and the calls that need no
 * device. Without a GPU (this build machine: no driver) they return CUDA's own errors.
 */
class NativeBindingTest {

  @BeforeEach
  void library() {
    NativeLibraryAssumption.assumeLibraryLoaded();
  }

  @Test
  void everyNativeMethodIsRegisteredWithItsDescriptor() {
    Set<String> java = Arrays.stream(NativeCuda.class.getDeclaredMethods())
        .filter(m -> Modifier.isNative(m.getModifiers()))
        .map(m -> m.getName() + " " + descriptor(m))
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> registered = new TreeSet<>(Arrays.asList(NativeCuda.registeredMethods()));
    assertEquals(java, registered, "JNI_OnLoad's table in jni_binding.cpp must list every native method of NativeCuda");
    assertEquals(29, registered.size(), "native methods");
  }

  @Test
  void abiVersionMatches() {
    assertEquals(NativeCuda.ABI_VERSION, NativeCuda.abiVersion());
  }

  @Test
  void deviceCountReturnsCudasErrorWithoutADevice() {
    CudaStatus status = CudaLibrary.status();
    int[] count = {-1};
    int rc = NativeCuda.deviceCount(count);
    switch (status.outcome()) {
      case NO_DRIVER -> {
        assertEquals(35, rc);
        assertEquals("cudaErrorInsufficientDriver", NativeCuda.errorName(rc));
        assertEquals(0, count[0]);
      }
      case NO_DEVICE -> assertTrue(rc == 100 || (rc == 0 && count[0] == 0), "rc " + rc + ", count " + count[0]);
      default -> {
        assertEquals(0, rc, status.logLine());
        assertTrue(count[0] >= 1);
      }
    }
  }

  @Test
  void runtimeVersionIsKnownWithoutADriver() {
    int[] v = new int[2];
    assertEquals(0, NativeCuda.versions(v));
    assertTrue(v[0] >= 13000, "CUDA runtime " + v[0]);
    if (CudaLibrary.status().outcome() == CudaStatus.Outcome.NO_DRIVER) {
      assertEquals(0, v[1], "driver version without a driver");
    }
  }

  @Test
  void errorsCarryCudasNameAndDescription() {
    CudaException e = assertThrows(CudaException.class, () -> CudaException.check(2, "cudaMalloc of 8 bytes"));
    assertEquals("cudaMalloc of 8 bytes failed: cudaErrorMemoryAllocation (2): out of memory", e.getMessage());
    assertEquals(2, e.code());
    assertEquals("cudaErrorMemoryAllocation", e.errorName());
  }

  @Test
  void deviceAllocationWithoutADeviceReportsTheCudaError() {
    CudaStatus status = CudaLibrary.status();
    if (status.usable()) {
      long[] address = new long[1];
      assertEquals(0, NativeCuda.malloc(Backend.DEVICE.code(), 64, address));
      assertEquals(0, NativeCuda.free(Backend.DEVICE.code(), address[0]));
      return;
    }
    long[] address = {-1};
    int rc = NativeCuda.malloc(Backend.DEVICE.code(), 64, address);
    CudaException e = assertThrows(CudaException.class, () -> CudaException.check(rc, "cudaMalloc of 64 bytes"));
    if (status.outcome() == CudaStatus.Outcome.NO_DRIVER) {
      assertEquals("cudaMalloc of 64 bytes failed: cudaErrorInsufficientDriver (35): CUDA driver version is"
          + " insufficient for CUDA runtime version", e.getMessage());
    }
    IllegalStateException ise = assertThrows(IllegalStateException.class,
        () -> DeviceTensor.allocate(DeviceTensor.DType.FLOAT32, 16));
    assertTrue(ise.getMessage().startsWith("CUDA is not usable here: "), ise.getMessage());
  }

  @Test
  void selfTestFailsCleanlyWithoutADevice() {
    CudaStatus status = CudaLibrary.status();
    int rc = NativeCuda.selfTest();
    if (status.usable()) {
      assertEquals(0, rc);
    } else if (status.outcome() == CudaStatus.Outcome.NO_DRIVER) {
      assertEquals(35, rc);
    }
  }

  /** The JNI descriptor of a method, e.g. {@code (IJ[F)I}. */
  static String descriptor(Method m) {
    StringBuilder b = new StringBuilder("(");
    for (Class<?> p : m.getParameterTypes()) {
      b.append(descriptor(p));
    }
    return b.append(')').append(descriptor(m.getReturnType())).toString();
  }

  private static String descriptor(Class<?> c) {
    if (c.isArray()) {
      return "[" + descriptor(c.getComponentType());
    }
    if (c == int.class) {
      return "I";
    }
    if (c == long.class) {
      return "J";
    }
    if (c == float.class) {
      return "F";
    }
    if (c == double.class) {
      return "D";
    }
    if (c == boolean.class) {
      return "Z";
    }
    if (c == void.class) {
      return "V";
    }
    return "L" + c.getName().replace('.', '/') + ";";
  }
}
