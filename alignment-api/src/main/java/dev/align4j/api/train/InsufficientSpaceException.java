package dev.align4j.api.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A write of a run's files (a checkpoint, a model, labels, metrics) found its filesystem full. Nothing half-written is
 * left where a reader would trust it: the previous checkpoint or file is intact, and the same command, rerun after
 * space is freed, resumes.
 */
public final class InsufficientSpaceException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What was being written, as a string because {@link Path} is not serializable. */
  private final String path;
  /** The bytes the write needs (a lower bound when {@link #lowerBound} is set). */
  private final long bytesNeeded;
  /** Whether {@link #bytesNeeded} counts only what was written before the failure. */
  private final boolean lowerBound;
  /** The bytes the filesystem had left, or -1 when it would not say. */
  private final long bytesUsable;

  /**
   * A full filesystem under {@code path}.
   *
   * @param path the file or folder being written
   * @param bytesNeeded the bytes the write needs
   * @param lowerBound true when {@code bytesNeeded} counts only what was written before the failure
   * @param bytesUsable the bytes the filesystem had left, or -1 when unknown
   * @param cause the filesystem's own error
   */
  public InsufficientSpaceException(Path path, long bytesNeeded, boolean lowerBound, long bytesUsable,
      IOException cause) {
    super("no space left to write " + path + ": it needs " + (lowerBound ? "more than " : "about ")
        + String.format("%,d", bytesNeeded) + " bytes"
        + (bytesUsable >= 0 ? String.format(" and the filesystem has %,d usable", bytesUsable) : "")
        + "; nothing half-written was left in its place (the previous version, if any, is intact)."
        + " Free space on that filesystem (or write elsewhere) and rerun the same command to resume", cause);
    this.path = path.toString();
    this.bytesNeeded = bytesNeeded;
    this.lowerBound = lowerBound;
    this.bytesUsable = bytesUsable;
  }

  /**
   * What was being written.
   *
   * @return the file or folder
   */
  public Path path() {
    return Path.of(path);
  }

  /**
   * The bytes the write needs.
   *
   * @return the size of the whole write, or (when {@link #isLowerBound()}) what was written before the failure
   */
  public long bytesNeeded() {
    return bytesNeeded;
  }

  /**
   * Whether {@link #bytesNeeded()} is only a lower bound.
   *
   * @return true when the full size was not known before the write failed
   */
  public boolean isLowerBound() {
    return lowerBound;
  }

  /**
   * The space left when the write failed.
   *
   * @return usable bytes, or -1 when the filesystem would not say
   */
  public long bytesUsable() {
    return bytesUsable;
  }
}
