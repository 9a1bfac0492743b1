package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
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

  @Test
  void aMissingLibraryFallsBackWithOneWarning() throws Exception {
    Run r = start(CudaLibrary.LIBRARY_PROPERTY + "=" + tmp.resolve("missing.so"));
    assertEquals("cpu", r.value("best"));
    assertEquals("LIBRARY_FAILED", r.value("outcome"));
    assertEquals(1, r.cudaLines().size(), () -> "one line, got " + r.cudaLines());
  }
}
