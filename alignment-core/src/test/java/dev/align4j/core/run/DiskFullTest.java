package dev.align4j.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.align4j.api.train.InsufficientSpaceException;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.core.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Writes on a full filesystem (Jimfs with a 64 KiB cap, 1 KiB blocks): each fails with an
 * {@link InsufficientSpaceException} naming the path and the bytes needed, leaves the previous version intact and no
 * temporary behind, and succeeds once space is freed.
 */
class DiskFullTest {
  private FileSystem fs;
  private Path root;

  @BeforeEach
  void smallDisk() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setBlockSize(1024).setMaxSize(64 * 1024).build());
    root = Files.createDirectories(fs.getPath("/run"));
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  /** Takes {@code kib} KiB of the disk, to be deleted to free space. */
  private Path filler(int kib) throws IOException {
    return Files.write(fs.getPath("/filler"), new byte[kib * 1024]);
  }

  private static Checkpoints.Writer checkpoint(long step) {
    return folder -> {
      byte[] weights = new byte[14_000];
      new Random(step).nextBytes(weights);
      Files.write(folder.resolve("model.safetensors"), weights);
      Files.writeString(folder.resolve("optimizer.safetensors"), "moments " + step);
      Files.writeString(folder.resolve(Checkpoints.COMPLETE), "{\"step\": " + step + "}");
    };
  }

  private List<Path> temporaries() throws IOException {
    try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
      return s.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith(".")).toList();
    }
  }

  @Test
  void aCheckpointThatDoesNotFitKeepsThePreviousOnesAndResumesAfterSpaceIsFreed() throws IOException {
    Path filler = filler(16);
    Checkpoints cps = new Checkpoints(root.resolve("checkpoints"));
    cps.save(10, 2, checkpoint(10));
    cps.save(20, 2, checkpoint(20));
    long size20 = AtomicFiles.sizeOf(root.resolve("checkpoints/step-20"));

    InsufficientSpaceException e = assertThrows(InsufficientSpaceException.class,
        () -> cps.save(30, 2, checkpoint(30)));
    assertEquals("/run/checkpoints/step-30", e.path().toString());
    assertEquals(size20, e.bytesNeeded(), "estimated from the previous checkpoint");
    assertFalse(e.isLowerBound());
    assertTrue(e.getMessage().startsWith("no space left to write /run/checkpoints/step-30: it needs about "
        + String.format("%,d", size20) + " bytes and the filesystem has "), e.getMessage());
    assertTrue(e.getMessage().contains("rerun the same command to resume"), e.getMessage());
    assertEquals("step-20", cps.latest().orElseThrow().getFileName().toString());
    assertEquals(CheckpointManifest.State.GOOD, CheckpointManifest.verify(root.resolve("checkpoints/step-10")).state());
    assertEquals(CheckpointManifest.State.GOOD, CheckpointManifest.verify(root.resolve("checkpoints/step-20")).state());
    assertEquals(List.of(), temporaries(), "the half-written checkpoint is gone");

    Files.delete(filler);
    cps.save(30, 2, checkpoint(30));
    assertEquals("step-30", cps.latest().orElseThrow().getFileName().toString());
    assertFalse(Files.exists(root.resolve("checkpoints/step-10")), "pruned to 2 after the save");
  }

  @Test
  void aFileThatDoesNotFitKeepsItsPreviousVersionAndNamesItsExactSize() throws IOException {
    Path file = root.resolve("config.json");
    AtomicFiles.writeString(file, "{\"before\": true}");
    Path filler = filler(60);
    String big = "x".repeat(10_000);
    InsufficientSpaceException e = assertThrows(InsufficientSpaceException.class,
        () -> AtomicFiles.writeString(file, big));
    assertEquals(10_000, e.bytesNeeded());
    assertFalse(e.isLowerBound());
    assertTrue(e.getMessage().contains("/run/config.json: it needs about 10,000 bytes"), e.getMessage());
    assertEquals("{\"before\": true}", Files.readString(file));
    assertEquals(List.of(), temporaries());
    Files.delete(filler);
    AtomicFiles.writeString(file, big);
    assertEquals(big, Files.readString(file));
  }

  @Test
  void aModelFileThatDoesNotFitNamesTheBytesOfTheWholeFile() throws IOException {
    Path file = root.resolve("model.safetensors");
    new SafetensorsWriter().add("w", new float[] {1f, 2f}, 2).write(file);
    byte[] before = Files.readAllBytes(file);
    Path roomy = Files.createDirectories(fs.getPath("/measure"));
    SafetensorsWriter big = new SafetensorsWriter().add("w", new float[5_000], 5_000);
    big.write(roomy.resolve("m.safetensors"));
    long size = Files.size(roomy.resolve("m.safetensors"));
    AtomicFiles.deleteTree(roomy);
    Path filler = filler(50);

    InsufficientSpaceException e = assertThrows(InsufficientSpaceException.class, () -> big.write(file));
    assertEquals(size, e.bytesNeeded(), "8-byte length + header + 20,000 bytes of data");
    assertArrayEquals(before, Files.readAllBytes(file), "the previous model is intact");
    assertEquals(List.of(), temporaries());
    Files.delete(filler);
    big.write(file);
    assertEquals(size, Files.size(file));
  }

  @Test
  void aMetricsLineThatDoesNotFitNamesTheLogAndKeepsTheLinesBefore() throws IOException {
    filler(62);
    UncheckedIOException failure;
    try (MetricsLog log = MetricsLog.open(root.resolve("metrics.jsonl"), "sft", Long.MAX_VALUE)) {
      failure = assertThrows(UncheckedIOException.class, () -> {
        for (int step = 1; step < 100_000; step++) {
          log.onStep(new StepMetrics("sft", step, 0.5, Map.of("loss", 1.0 / step, "grad_norm", 0.25)));
        }
      });
    } catch (UncheckedIOException closing) {
      failure = closing; // the buffered writer may hit the full disk again when it closes
    } catch (IOException closing) {
      failure = new UncheckedIOException(closing);
    }
    InsufficientSpaceException e = assertInstanceOf(InsufficientSpaceException.class, failure.getCause());
    assertEquals("/run/metrics.jsonl", e.path().toString());
    List<String> lines = Files.readAllLines(root.resolve("metrics.jsonl"));
    assertTrue(lines.size() > 10, "the lines that fitted are there: " + lines.size());
    assertTrue(lines.get(0).startsWith("{\"step\":1,\"stage\":\"sft\""), lines.get(0));
  }
}
