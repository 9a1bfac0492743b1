package dev.align4j.core.chat.jinja;

import java.util.Optional;

/**
 * A template that cannot be parsed or rendered. The message names the template line where one is known, so that a user
 * can find the construct in a 100-line chat template.
 */
public final class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, after jinja2's exception classes. */
  public enum Kind {
    /** The template does not parse ({@code TemplateSyntaxError}). */
    SYNTAX,
    /** The template called {@code raise_exception(msg)} ({@code TemplateError(msg)}); the message is the user's. */
    RAISED,
    /** An undefined value was used where jinja2 raises ({@code UndefinedError}). */
    UNDEFINED,
    /** An operation Python rejects, e.g. {@code 'a' + 1} ({@code TypeError}, {@code ValueError}). */
    TYPE,
    /** The immutable sandbox forbids it, e.g. {@code list.append} ({@code SecurityError}). */
    SECURITY,
    /** Valid jinja2 that this interpreter does not implement (a tag, filter, test or method). */
    UNSUPPORTED,
    /**
     * The template went over one of its {@link RenderLimits} (nesting depth, loop steps, output size or wall time;
     * {@link #limit()} says which), or nested so deeply that the Java stack overflowed first. jinja2 has no such
     * class: there the sandbox lets loops run and Python raises {@code RecursionError}. The message names the limit,
     * its value, the template line and how to raise it.
     */
    LIMIT
  }

  private final Kind kind;
  private final int line;
  private final String detail;
  private final RenderLimits.Limit limit;

  public TemplateException(Kind kind, int line, String detail) {
    this(kind, line, detail, null);
  }

  private TemplateException(Kind kind, int line, String detail, RenderLimits.Limit limit) {
    super(format(kind, line, detail));
    this.kind = kind;
    this.line = line;
    this.detail = detail;
    this.limit = limit;
  }

  /** A {@link Kind#LIMIT} exception for going over {@code limit} at {@code line}. */
  static TemplateException overLimit(RenderLimits.Limit limit, int line, String detail) {
    return new TemplateException(Kind.LIMIT, line, detail, limit);
  }

  private static String format(Kind kind, int line, String detail) {
    if (kind == Kind.RAISED) {
      return detail;
    }
    return (line > 0 ? "template line " + line + ": " : "") + detail;
  }

  /** Returns a copy that names {@code line} unless this exception already names one. */
  public TemplateException atLine(int newLine) {
    return line > 0 || newLine <= 0 ? this : new TemplateException(kind, newLine, detail, limit);
  }

  public Kind kind() {
    return kind;
  }

  /** The 1-based template line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** For {@link Kind#LIMIT}, the limit the template went over; empty for every other kind. */
  public Optional<RenderLimits.Limit> limit() {
    return Optional.ofNullable(limit);
  }

  /** The message without the line prefix (for {@link Kind#RAISED}, exactly what the template passed). */
  public String detail() {
    return detail;
  }
}
