package dev.align4j.core.run;

import dev.align4j.api.train.InsufficientSpaceException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every file and folder align4j writes for a reader to trust goes through here: written under a temporary name in the
 * same folder and renamed into place, so a kill or a full disk never leaves half a file where the finished one was
 * (the previous version stays until the rename). A full filesystem becomes an {@link InsufficientSpaceException}
 * naming the path and the bytes needed.
 */
public final class AtomicFiles {
  /** The messages filesystems give for ENOSPC and EDQUOT (Linux, macOS, Windows, and Jimfs in tests). */
  private static final Pattern NO_SPACE = Pattern.compile(
      "(?i)no space left|disk quota exceeded|out of disk space|not enough space|disk is full");

  private AtomicFiles() {}

  /** Writes a file's bytes to a stream. */
  @FunctionalInterface
  public interface Content {
    /** Writes the whole file to {@code out} (closed by the caller). */
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes a folder's files. */
  @FunctionalInterface
  public interface FolderContent {
    /** Writes into {@code folder}, which exists and is empty. */
    void writeInto(Path folder) throws IOException;
  }

  /** Writes {@code file} atomically from {@code content}, replacing it if it exists. */
  public static void write(Path file, Content content) throws IOException {
    write(file, 0, content);
  }

  /**
   * Writes {@code file} atomically from {@code content}, replacing it if it exists.
   *
   * @param expectedBytes the file's size when known, else 0; it goes into the message when the disk fills
   */
  public static void write(Path file, long expectedBytes, Content content) throws IOException {
    Path target = file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    CountingStream counted = null;
    try {
      try (CountingStream out = new CountingStream(Files.newOutputStream(tmp))) {
        counted = out;
        content.writeTo(out);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      long written = counted == null ? 0 : counted.count;
      throw explain(e, target, Math.max(written, expectedBytes), expectedBytes <= 0 || written > expectedBytes);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@code text} as UTF-8 to {@code file}, atomically. */
  public static void writeString(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    write(file, bytes.length, out -> out.write(bytes));
  }

  /**
   * Writes {@code folder} atomically: its content goes into a temporary sibling folder which then replaces it (an
   * existing folder is moved aside first and deleted after).
   *
   * @param expectedBytes the size the folder will have, when known (a previous checkpoint's), else 0; it goes into
   *     the message when the disk fills
   */
  public static void writeFolder(Path folder, long expectedBytes, FolderContent content) throws IOException {
    Path target = folder.toAbsolutePath();
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    try {
      content.writeInto(tmp);
      if (Files.exists(target)) {
        Path old = parent.resolve("." + target.getFileName() + ".old-" + UUID.randomUUID());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      if (!(e instanceof InsufficientSpaceException) && !isNoSpace(e)) {
        throw e;
      }
      // named for the folder, not for the temporary file inside it that hit the limit
      long written = sizeOf(tmp);
      throw new InsufficientSpaceException(target, Math.max(written, expectedBytes),
          expectedBytes <= 0 || written > expectedBytes, usableSpace(target), e);
    } finally {
      deleteTree(tmp);
    }
  }

  /**
   * The error to throw for {@code e}, raised while writing {@code path}: an {@link InsufficientSpaceException} when
   * the filesystem is full, else {@code e} itself.
   */
  public static IOException explain(IOException e, Path path, long bytesNeeded, boolean lowerBound) {
    if (e instanceof InsufficientSpaceException || !isNoSpace(e)) {
      return e;
    }
    return new InsufficientSpaceException(path, bytesNeeded, lowerBound, usableSpace(path), e);
  }

  /** Whether {@code e} (or a cause) is the filesystem saying it is full. */
  static boolean isNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && NO_SPACE.matcher(m).find()) {
        return true;
      }
    }
    return false;
  }

  /** The usable bytes of the filesystem holding {@code path} (or its nearest existing ancestor); -1 if unknown. */
  static long usableSpace(Path path) {
    Path p = path.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return -1;
    }
    try {
      FileStore store = Files.getFileStore(p);
      return store.getUsableSpace();
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }

  /** The total size of the regular files under {@code dir} (0 if it does not exist). */
  public static long sizeOf(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** Deletes a file or a folder and everything under it, if it exists. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Counts the bytes a write got through, for the message when the disk fills. */
  private static final class CountingStream extends FilterOutputStream {
    private long count;

    CountingStream(OutputStream out) {
      super(new java.io.BufferedOutputStream(out, 1 << 20));
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
