package dev.align4j.core.chat.jinja;

/**
 * jinja2's default {@code Undefined}: prints as nothing, is false, iterates as empty and has length 0, but raises
 * {@code UndefinedError} when its attributes are read, it is called, or it takes part in arithmetic.
 *
 * @param hint jinja2's message for the error, e.g. {@code 'x' is undefined} or
 *     {@code 'dict object' has no attribute 'y'}
 * @param unsafe true for an attribute the immutable sandbox forbids (raises {@code SecurityError} instead)
 */
record Undefined(String hint, boolean unsafe) {
  static Undefined named(String name) {
    return new Undefined("'" + name + "' is undefined", false);
  }

  static Undefined noAttribute(Object obj, String attr) {
    return new Undefined("'" + Py.typeName(obj) + " object' has no attribute '" + attr + "'", false);
  }

  static Undefined noItem(Object obj, Object key) {
    return new Undefined("'" + Py.typeName(obj) + " object' has no attribute " + Py.repr(key), false);
  }

  TemplateException error(int line) {
    return new TemplateException(unsafe ? TemplateException.Kind.SECURITY : TemplateException.Kind.UNDEFINED, line,
        hint);
  }
}
