package dev.align4j.examples.cli;

import static dev.align4j.examples.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code align sft} on a real full filesystem: a 16 MiB tmpfs the test mounts (it needs root, as CI runs; elsewhere
 * the test is skipped) with a filler file leaving room for two checkpoints but not a third. The run stops with the
 * path and the bytes needed, {@code verify-run} finds nothing damaged, and the same command after the filler is
 * deleted resumes to bitwise the weights of an uninterrupted run.
 */
@Tag("integration")
class DiskFullRunTest {
  private static final long DISK = 16L << 20;

  private static boolean sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static String[] sft(Path data, Path out) {
    return new String[] {"sft", "--model", StageCommandsTest.tinyLlama().toString(), "--data", data.toString(),
        "--max-steps", "40", "--save-steps", "10", "--batch-size", "8", "--logging-steps", "5", "--seed", "3",
        "--out", out.toString()};
  }

  @Test
  void aRunOnAFullDiskStopsNamingPathAndBytesAndResumesAfterSpaceIsFreed(@TempDir Path dir) throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk"));
    assumeTrue(System.getProperty("os.name").startsWith("Linux")
        && sh("mount", "-t", "tmpfs", "-o", "size=" + DISK, "tmpfs", disk.toString()),
        "mounting a tmpfs needs Linux and root");
    try {
      Path data = dir.resolve("sft.jsonl");
      StageCommandsTest.sftData(data, 32);
      Run reference = run(sft(data, dir.resolve("reference")));
      assertEquals(0, reference.status(), reference.stderr());
      long checkpoint = AtomicFiles.sizeOf(dir.resolve("reference/checkpoints/step-40"));

      // room for two checkpoints and a half: step-30 cannot be written before step-10 is pruned
      Path filler = disk.resolve("filler");
      Files.write(filler, new byte[(int) (DISK - checkpoint * 5 / 2)]);
      Path out = disk.resolve("out");
      Run full = run(sft(data, out));
      assertEquals(Align.BAD_INPUT, full.status(), full.stderr());
      assertTrue(full.stderr().contains("no space left to write " + out.resolve("checkpoints/step-30")
          + ": it needs about " + String.format("%,d", AtomicFiles.sizeOf(out.resolve("checkpoints/step-20")))
          + " bytes and the filesystem has "), full.stderr());

      Run state = run("verify-run", out.toString());
      assertEquals(0, state.status(), state.stdout());
      assertTrue(state.stdout().contains("OK       checkpoints/step-20: checkpoint matches its manifest (SHA-256 of"
          + " every file); a rerun resumes from here"), state.stdout());
      assertTrue(state.stdout().contains(" 0 damaged"), state.stdout());

      Files.delete(filler);
      Run resumed = run(sft(data, out));
      assertEquals(0, resumed.status(), resumed.stderr());
      assertArrayEquals(Files.readAllBytes(dir.resolve("reference/final/model.safetensors")),
          Files.readAllBytes(out.resolve("final/model.safetensors")), "resumed to the uninterrupted run's weights");
    } finally {
      sh("umount", disk.toString());
    }
  }
}
