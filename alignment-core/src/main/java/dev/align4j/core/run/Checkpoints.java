package dev.align4j.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code checkpoints/step-N/} folders, each written under a temporary name and renamed when complete, so a killed
 * run never leaves a half checkpoint that resuming would trust.
 */
public final class Checkpoints {
  private static final Pattern NAME = Pattern.compile("step-(\\d+)");
  /** Marker written last inside a checkpoint. */
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
   * Writes checkpoint {@code step} atomically and keeps only the newest {@code keep}.
   *
   * @return the checkpoint folder
   */
  public Path save(long step, int keep, Writer writer) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(".step-" + step + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    Path target = dir.resolve("step-" + step);
    try {
      writer.write(tmp);
      if (!Files.isRegularFile(tmp.resolve(COMPLETE))) {
        throw new IOException("checkpoint writer did not write " + COMPLETE);
      }
      if (Files.exists(target)) {
        RunFolder.deleteContents(target);
        Files.delete(target);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(tmp)) {
        RunFolder.deleteContents(tmp);
        Files.delete(tmp);
      }
    }
    prune(keep);
    return target;
  }

  /** The newest complete checkpoint. */
  public Optional<Path> latest() throws IOException {
    List<Path> all = complete();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
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
      RunFolder.deleteContents(all.get(i));
      Files.delete(all.get(i));
    }
  }
}
