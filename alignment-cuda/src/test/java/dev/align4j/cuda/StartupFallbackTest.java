package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh JVM per scenario, as an application starts: the CPU provider serves whenever CUDA is not usable, the reason
 * is logged exactly once however often the providers are asked, and nothing throws or crashes.
 */
class StartupFallbackTest {
  private static final String LINE = "align4j: CUDA kernels";

  @TempDir
  Path tmp;

  record Run(int exit, String stdout, List<String> cudaLines) {
    String value(String key) {
      return stdout.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
          .findFirst().orElse("<none>");
    }
  }

  private Run start(String... properties) throws IOException, InterruptedException {
    return start(Map.of(), properties);
  }

  private Run start(Map<String, String> env, String... properties) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-D" + CudaLibrary.EXTRACT_DIR_PROPERTY + "=" + tmp.resolve("extract"));
    for (String p : properties) {
      cmd.add("-D" + p);
    }
    cmd.add(StartupProbeMain.class.getName());
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    List<String> lines = stderr.lines().filter(l -> l.contains(LINE)).toList();
    assertEquals(0, p.exitValue(), stderr);
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), lines);
  }

  @Test
  void byDefaultTheBestUsableProviderServesAndTheReasonIsLoggedOnce() throws Exception {
    Run r = start();
    CudaStatus here = CudaLibrary.status();
    assertEquals(here.usable() ? "cuda" : "cpu", r.value("best"), r.stdout());
    assertEquals(here.outcome().name(), r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
    assertTrue(r.cudaLines().get(0).endsWith(here.logLine()), r.cudaLines().get(0));
    // KL(softmax(1,2,3) ‖ softmax(3,2,1)) = Σ p·(x − y) = 2·(p₃ − p₁)
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertEquals(2 * (Math.exp(3) - Math.exp(1)) / z, Double.parseDouble(r.value("kl")), 1e-6);
  }

  @Test
  void theCudaPropertyDisables() throws Exception {
    Run r = start(CudaLibrary.DISABLE_PROPERTY + "=true");
    assertEquals("cpu", r.value("best"));
    assertEquals("DISABLED", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
    assertTrue(r.cudaLines().get(0).endsWith(
        "align4j: CUDA kernels disabled by -Dalign4j.cuda.disabled=true; the CPU kernels serve"),
        r.cudaLines().get(0));
  }

  @Test
  void selectingCpuKeepsCudaUnloadedAndQuiet() throws Exception {
    Run r = start("align4j.kernels=cpu");
    assertEquals("cpu", r.value("best"));
    assertEquals("DISABLED", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
  }

  @Test
  void selectingCudaWithoutADeviceIsRefusedWithTheReason() throws Exception {
    if (CudaLibrary.status().usable()) {
      assertEquals("cuda", start("align4j.kernels=cuda").value("best"));
      return;
    }
    Run r = start("align4j.kernels=cuda");
    assertEquals("align4j.kernels=cuda names a provider that is not usable here; unset it or choose one of [cpu]",
        r.value("refused"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
  }

  @Test
  void aCorruptLibraryFallsBackWithOneWarning() throws Exception {
    Path corrupt = Files.write(tmp.resolve("libalign4j_cuda.so"), "not an ELF file".getBytes(StandardCharsets.UTF_8));
    Run r = start(CudaLibrary.LIBRARY_PROPERTY + "=" + corrupt);
    assertEquals("cpu", r.value("best"));
    assertEquals("LIBRARY_FAILED", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
    assertTrue(r.cudaLines().get(0).contains("WARN"), r.cudaLines().get(0));
    assertTrue(r.cudaLines().get(0).contains(corrupt + " is not a loadable x86-64 shared library"),
        r.cudaLines().get(0));
  }

  /**
   * A stand-in driver ({@code src/test/native/fake_libcuda.c}) found first on LD_LIBRARY_PATH: cuInit reports
   * {@code initResult}, cuDriverGetVersion {@code driverVersion}.
   */
  private Map<String, String> fakeDriver(int initResult, int driverVersion) throws Exception {
    NativeLibraryAssumption.assumeLibraryLoaded();
    Path lib = tmp.resolve("fake-driver/libcuda.so.1");
    Files.createDirectories(lib.getParent());
    Process cc;
    try {
      cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", lib.toString(), "src/test/native/fake_libcuda.c")
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "no C compiler to build the stand-in driver: " + e.getMessage());
      throw e;
    }
    String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, log);
    return Map.of("LD_LIBRARY_PATH", lib.getParent().toString(), "A4J_FAKE_INIT_RESULT",
        Integer.toString(initResult), "A4J_FAKE_DRIVER_VERSION", Integer.toString(driverVersion));
  }

  @Test
  void aDriverWithoutDevicesFallsBackWithOneLine() throws Exception {
    Run r = start(fakeDriver(100, 13000));
    assertEquals("cpu", r.value("best"));
    assertEquals("NO_DEVICE", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
    assertTrue(r.cudaLines().get(0).endsWith("align4j: CUDA kernels unavailable (no device): no CUDA device visible"
        + " (cudaGetDeviceCount returned cudaErrorNoDevice (100): no CUDA-capable device is detected); the CPU kernels"
        + " serve"), r.cudaLines().get(0));
  }

  @Test
  void aTooOldDriverFallsBackNamingBothVersions() throws Exception {
    Run r = start(fakeDriver(100, 12040)); // the runtime checks the version first
    assertEquals("cpu", r.value("best"));
    assertEquals("NO_DRIVER", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
    assertTrue(r.cudaLines().get(0).contains("the NVIDIA driver supports CUDA 12.4, the library needs one for CUDA"
        + " 13.0 or newer (cudaGetDeviceCount returned cudaErrorInsufficientDriver (35)"), r.cudaLines().get(0));
  }

  @Test
  void anUnexpectedDriverErrorFallsBackWithOneWarning() throws Exception {
    Run r = start(fakeDriver(999, 13000));
    assertEquals("cpu", r.value("best"));
    assertEquals("DEVICE_FAILED", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
    assertTrue(r.cudaLines().get(0).contains("WARN"), r.cudaLines().get(0));
    assertTrue(r.cudaLines().get(0).contains("cudaGetDeviceCount returned cudaErrorUnknown (999)"),
        r.cudaLines().get(0));
  }

  @Test
  void aMissingLibraryFallsBackWithOneWarning() throws Exception {
    Run r = start(CudaLibrary.LIBRARY_PROPERTY + "=" + tmp.resolve("missing.so"));
    assertEquals("cpu", r.value("best"));
    assertEquals("LIBRARY_FAILED", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
  }
}
