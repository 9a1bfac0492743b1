package dev.align4j.core.cai;

import java.io.IOException;

/**
 * A constitution file that cannot be used as written. The message names the file, the line and column where that is
 * known, the JSON path of the offending element ({@code $.principles[2].comparison}), what was expected, what was
 * found and, where one helps, the remedy:
 *
 * <pre>{@code
 * my.yaml:7:5: $.principles[1].critque: unknown key; expected one of id, critique, revision, comparison
 *     (align4j's format ignores nothing: correct the key or remove it)
 * }</pre>
 *
 * <p>It is an {@link IOException} because it is a problem of the file, which the caller handles where it handles the
 * file's other read failures (a missing file stays a plain {@link java.nio.file.NoSuchFileException}).
 */
public final class ConstitutionFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The file, as {@link #source()} returns it. */
  private final String source;
  /** The element's path, as {@link #jsonPath()} returns it. */
  private final String jsonPath;

  ConstitutionFileException(String source, Position at, String jsonPath, String problem, String remedy,
      Throwable cause) {
    super(source + (at == null ? "" : ":" + at.line() + ":" + at.column()) + ": "
        + (jsonPath == null ? "" : jsonPath + ": ") + problem + (remedy == null ? "" : " (" + remedy + ")"), cause);
    this.source = source;
    this.jsonPath = jsonPath;
  }

  /**
   * The file the problem is in.
   *
   * @return the path as given to the loader, or {@code classpath:...} for a built-in resource
   */
  public String source() {
    return source;
  }

  /**
   * Where in the file's tree the problem is.
   *
   * @return a JSON path such as {@code $.principles[2].comparison}; {@code $} for the whole document; null for a
   *     syntax error, which has a line and column instead
   */
  public String jsonPath() {
    return jsonPath;
  }
}
