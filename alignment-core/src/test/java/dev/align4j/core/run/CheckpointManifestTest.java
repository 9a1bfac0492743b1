package dev.align4j.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints carry a SHA-256 manifest; resuming skips a damaged newest checkpoint (a flipped byte, a cut file, a
 * deleted file, a broken manifest) for the previous good one, and the next save removes what the skipped one left.
 */
class CheckpointManifestTest {
  /** A checkpoint as the trainers write one: weights, optimizer, and the state file last. */
  private static Checkpoints.Writer checkpoint(long step) {
    return folder -> {
      byte[] weights = new byte[4096];
      new Random(step).nextBytes(weights);
      Files.write(folder.resolve("model.safetensors"), weights);
      Files.createDirectories(folder.resolve("sub"));
      Files.writeString(folder.resolve("sub/optimizer.txt"), "moments of step " + step);
      Files.writeString(folder.resolve(Checkpoints.COMPLETE), "{\"step\": " + step + "}");
    };
  }

  private static Checkpoints twoCheckpoints(Path dir) throws IOException {
    Checkpoints cps = new Checkpoints(dir.resolve("checkpoints"));
    cps.save(10, 2, checkpoint(10));
    cps.save(20, 2, checkpoint(20));
    return cps;
  }

  @Test
  void everyFileOfACheckpointIsInItsManifestAndAFreshOneVerifies(@TempDir Path dir) throws IOException {
    Checkpoints cps = twoCheckpoints(dir);
    Path newest = cps.latest().orElseThrow();
    assertEquals("step-20", newest.getFileName().toString());
    String manifest = Files.readString(newest.resolve(CheckpointManifest.FILE));
    for (String f : List.of("model.safetensors", "sub/optimizer.txt", Checkpoints.COMPLETE)) {
      assertTrue(manifest.contains("\"" + f + "\""), f + " listed in " + manifest);
    }
    assertEquals(CheckpointManifest.State.GOOD, CheckpointManifest.verify(newest).state());
    assertEquals(CheckpointManifest.sha256(newest.resolve("model.safetensors")),
        com.google.common.hash.Hashing.sha256().hashBytes(Files.readAllBytes(newest.resolve("model.safetensors")))
            .toString(), "the manifest's hash is SHA-256 (checked against Guava's)");
  }

  @Test
  void aFlippedByteInTheNewestCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws IOException {
    Checkpoints cps = twoCheckpoints(dir);
    Path weights = dir.resolve("checkpoints/step-20/model.safetensors");
    byte[] b = Files.readAllBytes(weights);
    b[1234] ^= 0x10;
    Files.write(weights, b);
    CheckpointManifest.Verification v = CheckpointManifest.verify(weights.getParent());
    assertEquals(CheckpointManifest.State.DAMAGED, v.state());
    assertTrue(v.problems().get(0).startsWith("model.safetensors has SHA-256"), v.problems().toString());
    assertEquals("step-10", cps.latest().orElseThrow().getFileName().toString());
  }

  @Test
  void aCutADeletedFileAndABrokenManifestAreEachDamage(@TempDir Path dir) throws IOException {
    Checkpoints cps = twoCheckpoints(dir);
    Path step20 = dir.resolve("checkpoints/step-20");
    Files.write(step20.resolve("model.safetensors"), new byte[100]);
    assertTrue(CheckpointManifest.verify(step20).problems().get(0)
        .contains("model.safetensors has 100 bytes, its manifest says 4,096"));
    Files.delete(step20.resolve("sub/optimizer.txt"));
    assertTrue(CheckpointManifest.verify(step20).problems().contains("sub/optimizer.txt is missing"));
    Path step10 = dir.resolve("checkpoints/step-10");
    Files.writeString(step10.resolve(CheckpointManifest.FILE), "{\"format\": \"align4j-checkpoint-manifest/1\"");
    assertEquals(CheckpointManifest.State.DAMAGED, CheckpointManifest.verify(step10).state());
    assertTrue(cps.latest().isEmpty(), "both damaged: a fresh start");
  }

  @Test
  void aCheckpointWithoutAManifestIsUsedUnverified(@TempDir Path dir) throws IOException {
    Checkpoints cps = twoCheckpoints(dir);
    Files.delete(dir.resolve("checkpoints/step-20").resolve(CheckpointManifest.FILE));
    assertEquals(CheckpointManifest.State.UNVERIFIED,
        CheckpointManifest.verify(dir.resolve("checkpoints/step-20")).state());
    assertEquals("step-20", cps.latest().orElseThrow().getFileName().toString());
  }

  @Test
  void theNextSaveAfterAFallbackRemovesTheSkippedLaterCheckpoint(@TempDir Path dir) throws IOException {
    Checkpoints cps = twoCheckpoints(dir);
    Files.write(dir.resolve("checkpoints/step-20/model.safetensors"), new byte[10]);
    assertEquals("step-10", cps.latest().orElseThrow().getFileName().toString());
    cps.save(15, 2, checkpoint(15)); // the resumed run saves on another schedule
    assertFalse(Files.exists(dir.resolve("checkpoints/step-20")), "a damaged later step must not outrank step-15");
    assertEquals("step-15", cps.latest().orElseThrow().getFileName().toString());
    assertTrue(Files.exists(dir.resolve("checkpoints/step-10")), "keep 2");
  }

  @Test
  void verifyRunReportsTheDamageAndWhereARerunResumes(@TempDir Path dir) throws IOException {
    twoCheckpoints(dir);
    Files.write(dir.resolve("checkpoints/step-20/model.safetensors"), new byte[10]);
    Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\": 1}\n{\"step\": 2, \"lo");
    Files.createDirectories(dir.resolve("checkpoints/.step-30.tmp-1234"));
    Files.writeString(dir.resolve("checkpoints/.step-30.tmp-1234/model.safetensors"), "half");
    List<RunInspection.Finding> f = RunInspection.inspect(dir);
    String report = f.toString();
    assertTrue(f.stream().anyMatch(x -> x.level() == RunInspection.Level.DAMAGED
        && x.path().toString().equals("checkpoints/step-20") && x.text().contains("model.safetensors has 10 bytes")),
        report);
    assertTrue(f.stream().anyMatch(x -> x.level() == RunInspection.Level.OK
        && x.path().toString().equals("checkpoints/step-10") && x.text().contains("a rerun resumes from here")),
        report);
    assertTrue(f.stream().anyMatch(x -> x.level() == RunInspection.Level.NOTE
        && x.path().toString().equals("metrics.jsonl") && x.text().contains("line 2 cut by a kill")), report);
    assertTrue(f.stream().anyMatch(x -> x.level() == RunInspection.Level.NOTE
        && x.path().toString().equals("checkpoints/.step-30.tmp-1234")), report);
  }

  @Test
  void aDpoRunKilledAfterItsReferenceCacheBeforeItsFirstCheckpointIsContinued(@TempDir Path dir) throws IOException {
    // found by KillAnywhereSlowTest: the rerun refused the folder as "not an align4j run"
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.write(dir.resolve("reference_logps.safetensors"), new byte[16]);
    assertTrue(RunFolder.open(dir, RunFolder.Mode.RESUME_OR_NEW).resumeFrom().isEmpty());
    Files.writeString(dir.resolve("notes.txt"), "mine");
    IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> RunFolder.open(dir, RunFolder.Mode.RESUME_OR_NEW));
    assertTrue(refused.getMessage().contains("already holds files that are not an align4j run"), refused.getMessage());
  }
}
