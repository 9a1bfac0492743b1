package dev.align4j.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The output folder of one stage command.
 *
 * <p>Opening an {@code OUT} that holds checkpoints resumes from the newest; {@link Mode#OVERWRITE} starts fresh; an
 * {@code OUT} that holds anything else is refused with a message, so nobody's files are overwritten by accident.
 */
public final class RunFolder {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final Checkpoints checkpoints;
  private final Optional<Path> resumeFrom;

  private RunFolder(Path root, Optional<Path> resumeFrom) {
    this.root = root;
    this.checkpoints = new Checkpoints(root.resolve("checkpoints"));
    this.resumeFrom = resumeFrom;
  }

  /** How to treat an existing folder. */
  public enum Mode {
    /** Resume from the newest checkpoint if there is one; refuse a folder with other content. */
    RESUME_OR_NEW,
    /** Delete whatever the folder holds and start fresh. */
    OVERWRITE
  }

  /** Opens (creating) {@code root}. */
  public static RunFolder open(Path root, Mode mode) throws IOException {
    Path r = root.toAbsolutePath().normalize();
    if (Files.exists(r) && !Files.isDirectory(r)) {
      throw new IOException("--out " + root + " is a file; give a folder");
    }
    if (Files.isDirectory(r) && mode == Mode.OVERWRITE) {
      deleteContents(r);
    }
    Files.createDirectories(r);
    Checkpoints cps = new Checkpoints(r.resolve("checkpoints"));
    Optional<Path> latest = cps.latest();
    if (latest.isEmpty() && !isEmpty(r) && !onlyRunFiles(r)) {
      throw new IOException("--out " + root + " already holds files that are not an align4j run; choose an empty"
          + " folder or pass --overwrite to delete its contents");
    }
    return new RunFolder(r, latest);
  }

  /** The folder. */
  public Path root() {
    return root;
  }

  /** The newest complete checkpoint, when resuming. */
  public Optional<Path> resumeFrom() {
    return resumeFrom;
  }

  /** The checkpoints sub-folder. */
  public Checkpoints checkpoints() {
    return checkpoints;
  }

  /** Where the final model goes. */
  public Path finalModel() {
    return root.resolve("final");
  }

  /** Writes {@code config.json} (atomically). */
  public void writeConfig(ObjectNode config) throws IOException {
    writeJson(root.resolve("config.json"), config);
  }

  /** A metrics log appending to {@code metrics.jsonl}, cut back to {@code keepUpToStep} when resuming. */
  public MetricsLog metrics(String stage, long keepUpToStep) throws IOException {
    return MetricsLog.open(root.resolve("metrics.jsonl"), stage, keepUpToStep);
  }

  /** Writes JSON to {@code file} through a temporary file and a rename. */
  public static void writeJson(Path file, Object value) throws IOException {
    AtomicFiles.write(file, out -> JSON.writeValue(out, value));
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /**
   * What a stage writes before its first checkpoint: a folder holding only these (and temporaries) is a run killed
   * early, which a rerun continues. DPO's reference log-prob cache is written before step 1 (a kill-anywhere run
   * found it refused).
   */
  static final Set<String> EARLY_FILES = Set.of("config.json", "metrics.jsonl", "checkpoints", "samples.jsonl",
      "reference_logps.safetensors");

  /** A run that started but has no checkpoint yet (killed early): only files a run writes. */
  private static boolean onlyRunFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.allMatch(p -> {
        String n = p.getFileName().toString();
        return EARLY_FILES.contains(n) || n.startsWith(".");
      });
    }
  }

  static void deleteContents(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }
}
