package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}, which transformers installs as the {@code tojson} filter instead of jinja2's own
 * (jinja2's sorts keys and escapes {@code <>&'}). Defaults as transformers: {@code ensure_ascii=False},
 * separators {@code ', '} and {@code ': '} (or {@code ','} and {@code ': '} with an indent), keys in insertion order,
 * floats as Python's repr.
 */
public final class PyJson {
  /**
   * json.dumps options.
   *
   * @param ensureAscii escape non-ASCII as \\uXXXX
   * @param indent the indent string, or null for one line
   * @param itemSeparator between items
   * @param keySeparator between a key and its value
   * @param sortKeys sort object keys
   */
  public record Options(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {}

  private PyJson() {}

  /**
   * Binds {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)} (transformers' signature)
   * and dumps.
   */
  public static String tojson(Object value, List<Object> args, Map<String, Object> kwargs) {
    Args a = new Args("tojson", args, kwargs, 4);
    boolean ensureAscii = a.bool(0, "ensure_ascii", false);
    Object indentArg = a.get(1, "indent", null);
    String indent = null;
    if (indentArg instanceof String) {
      indent = (String) indentArg;
    } else if (indentArg != null) {
      indent = " ".repeat((int) Math.max(0, Py.toBig(indentArg).longValue()));
    }
    Object seps = a.get(2, "separators", null);
    String item = indent == null ? ", " : ",";
    String key = ": ";
    if (seps != null) {
      List<Object> s = Py.iterate(seps);
      if (s.size() != 2) {
        throw new TemplateException(Kind.TYPE, 0, "separators must be a pair of strings");
      }
      item = Py.str(s.get(0));
      key = Py.str(s.get(1));
    }
    return dumps(value, new Options(ensureAscii, indent, item, key, a.bool(3, "sort_keys", false)));
  }

  /** {@code json.dumps(value)} with the given options. */
  public static String dumps(Object value, Options o) {
    StringBuilder b = new StringBuilder();
    write(b, value, o, 0);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v, Options o, int level) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Boolean) {
      b.append((Boolean) v ? "true" : "false");
    } else if (Py.isInt(v)) {
      b.append(v);
    } else if (v instanceof Double) {
      double d = (Double) v;
      b.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
          : Py.floatRepr(d));
    } else if (v instanceof String) {
      string(b, (String) v, o.ensureAscii());
    } else if (v instanceof List) {
      List<?> l = (List<?>) v;
      if (l.isEmpty()) {
        b.append("[]");
        return;
      }
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        b.append(i > 0 ? o.itemSeparator() : "");
        newline(b, o, level + 1);
        write(b, l.get(i), o, level + 1);
      }
      newline(b, o, level);
      b.append(']');
    } else if (v instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) v;
      if (m.isEmpty()) {
        b.append("{}");
        return;
      }
      List<Map.Entry<String, Object>> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        entries.add(Map.entry(key(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
      }
      if (o.sortKeys()) {
        entries.sort((x, y) -> Py.compareCodePoints(x.getKey(), y.getKey()));
      }
      b.append('{');
      for (int i = 0; i < entries.size(); i++) {
        b.append(i > 0 ? o.itemSeparator() : "");
        newline(b, o, level + 1);
        string(b, entries.get(i).getKey(), o.ensureAscii());
        b.append(o.keySeparator());
        Object val = entries.get(i).getValue();
        write(b, val == NULL ? null : val, o, level + 1);
      }
      newline(b, o, level);
      b.append('}');
    } else {
      throw new TemplateException(Kind.TYPE, 0, "Object of type " + Py.typeName(v) + " is not JSON serializable");
    }
  }

  private static final Object NULL = new Object();

  private static String key(Object k) {
    if (k instanceof String) {
      return (String) k;
    }
    if (k == null || k instanceof Boolean || Py.isInt(k) || k instanceof Double) {
      StringBuilder b = new StringBuilder();
      write(b, k, new Options(false, null, ", ", ": ", false), 0);
      return b.toString();
    }
    throw new TemplateException(Kind.TYPE, 0,
        "keys must be str, int, float, bool or None, not " + Py.typeName(k));
  }

  private static void newline(StringBuilder b, Options o, int level) {
    if (o.indent() != null) {
      b.append('\n').append(o.indent().repeat(level));
    }
  }

  private static void string(StringBuilder b, String s, boolean ensureAscii) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        case '\b': b.append("\\b"); break;
        case '\f': b.append("\\f"); break;
        default:
          if (c < 0x20 || (ensureAscii && c > 0x7e)) {
            b.append(String.format("\\u%04x", (int) c)); // UTF-16 units: Python writes surrogate pairs too
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }
}
