package dev.align4j.core.data;

import java.nio.file.Path;

/** A data line that cannot be used as written; the message names file, line, field, the problem and the remedy. */
public final class DataFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DataFileException(Path file, int line, String field, String problem, String remedy) {
    super(file + ":" + line + (field == null ? "" : ": field '" + field + "'") + ": " + problem
        + (remedy == null ? "" : " (" + remedy + ")"));
  }
}
