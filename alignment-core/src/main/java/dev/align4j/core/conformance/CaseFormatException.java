package dev.align4j.core.conformance;

/** A case that cannot be run as written: a missing or malformed field, an unknown op or parameter value. */
public final class CaseFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  CaseFormatException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field, e.g. {@code inputs.logits} or {@code params.loss_type}. */
  public String field() {
    return field;
  }
}
