package dev.align4j.core.chat.jinja;

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
    UNSUPPORTED
  }

  private final Kind kind;
  private final int line;
  private final String detail;

  public TemplateException(Kind kind, int line, String detail) {
    super(format(kind, line, detail));
    this.kind = kind;
    this.line = line;
    this.detail = detail;
  }

  private static String format(Kind kind, int line, String detail) {
    if (kind == Kind.RAISED) {
      return detail;
    }
    return (line > 0 ? "template line " + line + ": " : "") + detail;
  }

  /** Returns a copy that names {@code line} unless this exception already names one. */
  public TemplateException atLine(int newLine) {
    return line > 0 || newLine <= 0 ? this : new TemplateException(kind, newLine, detail);
  }

  public Kind kind() {
    return kind;
  }

  /** The 1-based template line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The message without the line prefix (for {@link Kind#RAISED}, exactly what the template passed). */
  public String detail() {
    return detail;
  }
}
