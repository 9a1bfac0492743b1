package dev.align4j.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code manifest.json} inside a checkpoint: the SHA-256 and size of every other file in it, written last before the
 * checkpoint is renamed into place. Resuming checks it, so a checkpoint damaged on disk after it was written (a bad
 * sector, a partial copy, a file someone edited) is noticed instead of trained from.
 *
 * <pre>{"format": "align4j-checkpoint-manifest/1",
 *  "files": {"model.safetensors": {"bytes": 812, "sha256": "…"}}}</pre>
 */
public final class CheckpointManifest {
  /** The manifest's file name. */
  public static final String FILE = "manifest.json";
  static final String FORMAT = "align4j-checkpoint-manifest/1";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CheckpointManifest() {}

  /** What a check of one folder found. */
  public enum State {
    /** Every listed file is there with its size and SHA-256. */
    GOOD,
    /** A listed file is missing or differs, or the manifest itself is unreadable. */
    DAMAGED,
    /** No manifest: written by an align4j before manifests (trusted, with a warning). */
    UNVERIFIED
  }

  /**
   * The outcome of {@link #verify}.
   *
   * @param folder the checked folder
   * @param state what was found
   * @param problems one line per problem (empty when good)
   */
  public record Verification(Path folder, State state, List<String> problems) {
    /** Validates and copies. */
    public Verification {
      problems = List.copyOf(problems);
    }

    /** Whether resuming may use the folder. */
    public boolean usable() {
      return state != State.DAMAGED;
    }
  }

  /** Hashes every file under {@code folder} (but the manifest) and writes {@code manifest.json} beside them. */
  public static void write(Path folder) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    ObjectNode files = root.putObject("files");
    for (Path p : filesUnder(folder)) {
      ObjectNode f = files.putObject(relative(folder, p));
      f.put("bytes", Files.size(p));
      f.put("sha256", sha256(p));
    }
    AtomicFiles.write(folder.resolve(FILE), out -> JSON.writeValue(out, root));
  }

  /** Checks {@code folder} against its manifest. */
  public static Verification verify(Path folder) {
    Path manifest = folder.resolve(FILE);
    if (!Files.isRegularFile(manifest)) {
      return new Verification(folder, State.UNVERIFIED, List.of(FILE + " is missing"));
    }
    List<String> problems = new ArrayList<>();
    JsonNode files;
    try (InputStream in = Files.newInputStream(manifest)) {
      JsonNode root = JSON.readTree(in);
      if (root == null || !FORMAT.equals(root.path("format").asText()) || !root.path("files").isObject()) {
        return new Verification(folder, State.DAMAGED, List.of(FILE + " is not an " + FORMAT + " manifest"));
      }
      files = root.get("files");
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      return new Verification(folder, State.DAMAGED, List.of(FILE + " is unreadable: " + why));
    }
    for (Map.Entry<String, JsonNode> e : files.properties()) {
      String name = e.getKey();
      Path p = folder.resolve(name).normalize();
      if (!p.startsWith(folder.normalize()) || !Files.isRegularFile(p)) {
        problems.add(name + " is missing");
        continue;
      }
      try {
        long want = e.getValue().path("bytes").asLong(-1);
        long size = Files.size(p);
        if (size != want) {
          problems.add(String.format("%s has %,d bytes, its manifest says %,d", name, size, want));
          continue;
        }
        String sha = sha256(p);
        if (!sha.equals(e.getValue().path("sha256").asText())) {
          problems.add(name + " has SHA-256 " + sha.substring(0, 12) + "…, its manifest says "
              + abbreviate(e.getValue().path("sha256").asText()));
        }
      } catch (IOException ex) {
        problems.add(name + " is unreadable: " + ex.getMessage());
      }
    }
    return new Verification(folder, problems.isEmpty() ? State.GOOD : State.DAMAGED, problems);
  }

  private static String abbreviate(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
  }

  private static List<Path> filesUnder(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.equals(folder.resolve(FILE)))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  private static String relative(Path folder, Path file) {
    // '/' on every platform, so a manifest written on one reads on another
    return folder.relativize(file).toString().replace(folder.getFileSystem().getSeparator(), "/");
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
