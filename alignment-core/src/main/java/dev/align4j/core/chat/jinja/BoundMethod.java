package dev.align4j.core.chat.jinja;

import java.util.List;
import java.util.Map;

/** A Python method bound to its object, e.g. {@code message.content.startswith}; calling it runs {@link PyMethods}. */
record BoundMethod(Object self, String name) implements JinjaCallable {
  @Override
  public Object call(List<Object> args, Map<String, Object> kwargs) {
    return PyMethods.call(self, name, args, kwargs);
  }

  @Override
  public String toString() {
    return "<built-in method " + name + " of " + Py.typeName(self) + " object>";
  }
}
