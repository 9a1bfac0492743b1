package dev.align4j.core.chat.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** jinja2's {@code namespace()}: the one object whose attributes {@code {% set ns.x = ... %}} may change. */
final class Namespace {
  final Map<String, Object> attrs = new LinkedHashMap<>();

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("<Namespace {");
    boolean first = true;
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      b.append(first ? "" : ", ").append(Py.repr(e.getKey())).append(": ").append(Py.repr(e.getValue()));
      first = false;
    }
    return b.append("}>").toString();
  }
}
