package dev.align4j.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code checkpoints/step-N/} folders, each written under a temporary name, given a {@link CheckpointManifest} and
 * renamed when complete, so a killed run never leaves a half checkpoint that resuming would trust, and a checkpoint
 * damaged on disk later is skipped for the previous good one.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Pattern NAME = Pattern.compile("step-(\\d+)");
  /** Marker written last inside a checkpoint, before its manifest. */
  static final String COMPLETE = "trainer_state.json";

  private final Path dir;

  Checkpoints(Path dir) {
    this.dir = dir;
  }

  /** Writes the content of a checkpoint. */
  @FunctionalInterface
  public interface Writer {
    /** Writes into {@code folder}, which exists and is empty. */
    void write(Path folder) throws IOException;
  }

  /**
   * Writes checkpoint {@code step} atomically with its manifest, then keeps only the newest {@code keep}. Checkpoints
   * of later steps are deleted: they belong to a run that was resumed from an earlier one (because they were
   * damaged), and a later resume must not prefer them to what this run writes.
   *
   * @return the checkpoint folder
   * @throws dev.align4j.api.train.InsufficientSpaceException when the disk fills; the previous checkpoints are intact
   */
  public Path save(long step, int keep, Writer writer) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve("step-" + step);
    List<Path> before = complete();
    long expected = before.isEmpty() ? 0 : AtomicFiles.sizeOf(before.get(before.size() - 1));
    AtomicFiles.writeFolder(target, expected, tmp -> {
      writer.write(tmp);
      if (!Files.isRegularFile(tmp.resolve(COMPLETE))) {
        throw new IOException("checkpoint writer did not write " + COMPLETE);
      }
      CheckpointManifest.write(tmp);
    });
    for (Path later : complete()) {
      if (stepOf(later) > step) {
        LOG.warn("deleting {}: a later step than the checkpoint just written, left by a run that was resumed from"
            + " an earlier checkpoint", later);
        AtomicFiles.deleteTree(later);
      }
    }
    prune(keep);
    return target;
  }

  /**
   * The newest complete checkpoint whose files match its manifest; a damaged newer one is skipped with a warning
   * that names what is wrong.
   */
  public Optional<Path> latest() throws IOException {
    List<Path> all = complete();
    for (int i = all.size() - 1; i >= 0; i--) {
      CheckpointManifest.Verification v = CheckpointManifest.verify(all.get(i));
      switch (v.state()) {
        case GOOD:
          return Optional.of(all.get(i));
        case UNVERIFIED:
          LOG.warn("{} has no {} (written before checkpoints carried one): resuming from it unverified",
              all.get(i), CheckpointManifest.FILE);
          return Optional.of(all.get(i));
        default:
          LOG.warn("{} is damaged ({}); skipping it for {}", all.get(i), String.join("; ", v.problems()),
              i > 0 ? all.get(i - 1).getFileName() : "a fresh start (no earlier checkpoint is kept)");
      }
    }
    return Optional.empty();
  }

  /** Every complete checkpoint, oldest first, each with what its manifest check found (for {@code verify-run}). */
  public List<CheckpointManifest.Verification> verifyAll() throws IOException {
    List<CheckpointManifest.Verification> out = new ArrayList<>();
    for (Path p : complete()) {
      out.add(CheckpointManifest.verify(p));
    }
    return out;
  }

  /** The step number of a checkpoint folder. */
  public static long stepOf(Path checkpoint) {
    Matcher m = NAME.matcher(checkpoint.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(checkpoint + " is not a step-N checkpoint folder");
    }
    return Long.parseLong(m.group(1));
  }

  private List<Path> complete() throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve(COMPLETE)))
          .sorted(Comparator.comparingLong(Checkpoints::stepOf))
          .forEach(out::add);
    }
    return out;
  }

  private void prune(int keep) throws IOException {
    List<Path> all = complete();
    for (int i = 0; i < all.size() - Math.max(1, keep); i++) {
      AtomicFiles.deleteTree(all.get(i));
    }
  }
}
