package dev.align4j.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.data.TextLines;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code align verify-run OUT} reports: every run folder under {@code OUT} (a stage's, the demo's stages, the
 * loop's iterations), each checkpoint against its manifest and which one a rerun would resume from, each model
 * file's structure, each JSON and JSONL file line by line, and the temporaries a killed write left behind.
 */
public final class RunInspection {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Deeper than any folder align4j writes (demo → stage → checkpoints → step → file). */
  private static final int MAX_DEPTH = 8;

  /** How bad a finding is. */
  public enum Level {
    /** Readable and consistent. */
    OK,
    /** Harmless, but worth knowing (a temporary left by a kill, a line a kill cut, an older checkpoint format). */
    NOTE,
    /** Unreadable or inconsistent: what a rerun would skip, refuse or fail on. */
    DAMAGED
  }

  /**
   * One line of the report.
   *
   * @param level how bad
   * @param path the file or folder, relative to the inspected root
   * @param text what was found
   */
  public record Finding(Level level, Path path, String text) {}

  private final Path root;
  private final List<Finding> findings = new ArrayList<>();

  private RunInspection(Path root) {
    this.root = root;
  }

  /**
   * Inspects {@code out}.
   *
   * @throws IOException when {@code out} is not a folder or cannot be listed
   */
  public static List<Finding> inspect(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      throw new IOException(out + " is not a folder; give the --out folder of a run");
    }
    RunInspection r = new RunInspection(out);
    r.walk(out, 0);
    return List.copyOf(r.findings);
  }

  private void walk(Path dir, int depth) throws IOException {
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children = s.sorted().toList();
    }
    if (dir.getFileName() != null && dir.getFileName().toString().equals("checkpoints")) {
      checkpoints(dir);
      children = children.stream().filter(p -> !p.getFileName().toString().matches("step-\\d+")).toList();
    }
    for (Path p : children) {
      String name = p.getFileName().toString();
      if (name.startsWith(".") && (name.contains(".tmp") || name.contains(".old-"))) {
        add(Level.NOTE, p, String.format("a temporary left by a killed write (%,d bytes); nothing reads it, safe to"
            + " delete", Files.isDirectory(p) ? AtomicFiles.sizeOf(p) : Files.size(p)));
      } else if (Files.isDirectory(p)) {
        if (depth < MAX_DEPTH) {
          walk(p, depth + 1);
        }
      } else if (name.endsWith(".safetensors")) {
        safetensors(p);
      } else if (name.endsWith(".jsonl")) {
        jsonl(p);
      } else if (name.endsWith(".json")) {
        json(p);
      }
    }
  }

  private void checkpoints(Path dir) throws IOException {
    Checkpoints cps = new Checkpoints(dir);
    List<CheckpointManifest.Verification> all = cps.verifyAll();
    Optional<Path> resume = Optional.empty();
    for (int i = all.size() - 1; i >= 0 && resume.isEmpty(); i--) {
      if (all.get(i).usable()) {
        resume = Optional.of(all.get(i).folder());
      }
    }
    for (CheckpointManifest.Verification v : all) {
      String use = resume.isPresent() && resume.get().equals(v.folder()) ? "; a rerun resumes from here" : "";
      switch (v.state()) {
        case GOOD -> add(Level.OK, v.folder(), "checkpoint matches its manifest (SHA-256 of every file)" + use);
        case UNVERIFIED -> add(Level.NOTE, v.folder(), "checkpoint without a manifest (written before align4j"
            + " wrote them): not verifiable" + use);
        default -> add(Level.DAMAGED, v.folder(), "checkpoint damaged: " + String.join("; ", v.problems())
            + "; a rerun skips it");
      }
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        if (p.getFileName().toString().matches("step-\\d+") && !Files.isRegularFile(p.resolve(Checkpoints.COMPLETE))) {
          add(Level.DAMAGED, p, "checkpoint without " + Checkpoints.COMPLETE + " (incomplete): a rerun ignores it");
        }
      }
    }
    if (!all.isEmpty() && resume.isEmpty()) {
      add(Level.DAMAGED, dir, "no usable checkpoint: a rerun starts this stage from the beginning");
    }
  }

  private void safetensors(Path file) {
    if (insideCheckpoint(file)) {
      return; // the manifest covers it, byte for byte
    }
    try (SafetensorsReader r = SafetensorsReader.open(file)) {
      add(Level.OK, file, r.tensors().size() + " tensors, header and sizes consistent");
    } catch (IOException | RuntimeException e) {
      add(Level.DAMAGED, file, "unreadable: " + e.getMessage());
    }
  }

  private void json(Path file) {
    if (insideCheckpoint(file)) {
      return;
    }
    try {
      JSON.readTree(Files.readString(file));
      add(Level.OK, file, "JSON");
    } catch (IOException | RuntimeException e) {
      add(Level.DAMAGED, file, "not JSON: " + oneLine(e));
    }
  }

  private void jsonl(Path file) {
    if (insideCheckpoint(file)) {
      return;
    }
    List<TextLines.Line> lines;
    try {
      lines = TextLines.read(file);
    } catch (IOException | RuntimeException e) {
      add(Level.DAMAGED, file, "unreadable: " + oneLine(e));
      return;
    }
    int bad = 0;
    for (TextLines.Line line : lines) {
      if (line.text().isBlank()) {
        continue;
      }
      try {
        JSON.readTree(line.text());
      } catch (JsonProcessingException e) {
        boolean last = line.number() == lines.get(lines.size() - 1).number();
        if (last && file.getFileName().toString().equals("metrics.jsonl")) {
          add(Level.NOTE, file, "line " + line.number() + " cut by a kill; a rerun drops it with the steps after"
              + " the checkpoint");
        } else {
          add(Level.DAMAGED, file, "line " + line.number() + " is not JSON: " + e.getOriginalMessage());
        }
        bad++;
      }
    }
    if (bad == 0) {
      add(Level.OK, file, lines.size() + " lines, each JSON");
    }
  }

  private static boolean insideCheckpoint(Path file) {
    for (Path p = file.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
      if (p.getFileName().toString().matches("step-\\d+") && p.getParent().getFileName() != null
          && p.getParent().getFileName().toString().equals("checkpoints")) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(Exception e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  private void add(Level level, Path path, String text) {
    Path rel = root.relativize(path);
    findings.add(new Finding(level, rel.toString().isEmpty() ? Path.of(".") : rel, text));
  }
}
