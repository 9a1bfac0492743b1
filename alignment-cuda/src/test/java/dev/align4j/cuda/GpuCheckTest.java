package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GPU check program itself, exercised here on the host emulation with tiny shapes, so that a GPU session spends
 * its minutes on measurements rather than on this program's bugs.
 */
class GpuCheckTest {

  private static String run(int expectedExit, String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = GpuCheck.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(expectedExit, exit, out);
    return out;
  }

  @Test
  void emulatedSmallRunAgreesEverywhereAndPrintsTheTable() {
    NativeLibraryAssumption.assumeLibraryLoaded();
    String out = run(0, "--emulate", "--small", "--reps=1");
    List<String> rows = out.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| kernel")).toList();
    assertEquals(17, rows.size(), out);
    assertTrue(rows.stream().allMatch(l -> l.split("\\|")[4].trim().equals("yes")), out);
    assertTrue(out.contains("| kernel | shape | max abs diff | ok | GPU ms | GB/s | % of copy | end-to-end ms | CPU ms |"));
    assertTrue(out.contains("| full_kl | 16x5003 |"), out);
    assertTrue(out.contains("acceptance: full_kl 16x5003 at "), out);
    assertTrue(out.contains("host emulation (wall-clock times, not GPU figures)"), out);
    assertTrue(out.endsWith("gpu-check: every kernel agrees with the CPU provider\n"), out);
  }

  @Test
  void withoutADeviceItSaysSo() {
    CudaStatus s = CudaLibrary.status();
    assumeFalse(s.usable(), "a device is usable: a full run takes minutes, gpu-check.sh does it");
    String out = run(3);
    assertTrue(out.startsWith(s.logLine() + "\n"), out);
    assertTrue(out.contains("gpu-check: CUDA is not usable here, nothing to check"), out);
  }

  @Test
  void badArgumentsAreUsageErrors() {
    String out = run(2, "--reps=0");
    assertTrue(out.startsWith("usage: GpuCheck [--small] [--reps=N] [--emulate]; unknown argument: --reps=0"), out);
  }
}
