package dev.align4j.core.chat.jinja;

/** One lexer token; {@code value} is the decoded text (string literals unescaped, data already whitespace-controlled). */
record Token(Type type, String value, int line) {
  enum Type {
    DATA, VARIABLE_BEGIN, VARIABLE_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INTEGER, FLOAT, OPERATOR, EOF
  }

  boolean is(Type t, String v) {
    return type == t && value.equals(v);
  }

  boolean isName(String v) {
    return is(Type.NAME, v);
  }

  boolean isOp(String v) {
    return is(Type.OPERATOR, v);
  }

  String describe() {
    switch (type) {
      case EOF:
        return "end of template";
      case BLOCK_END:
        return "end of statement block";
      case VARIABLE_END:
        return "end of print statement";
      default:
        return "'" + value + "'";
    }
  }
}
