package dev.align4j.core.cai;

/** A place in a source file, both 1-based as editors count them. */
record Position(int line, int column) {
  /** The place just after {@code text}, the start of a file; a leading byte-order mark takes no column. */
  static Position after(CharSequence text) {
    int line = 1;
    int column = 1;
    for (int i = text.length() > 0 && text.charAt(0) == '\uFEFF' ? 1 : 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new Position(line, column);
  }
}
