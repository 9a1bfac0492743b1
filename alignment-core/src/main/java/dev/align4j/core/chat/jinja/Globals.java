package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** jinja2's default globals that chat templates use: {@code range}, {@code dict}, {@code namespace}. */
final class Globals {
  private Globals() {}

  static void registerBuiltins(Map<String, Object> globals) {
    globals.put("range", (JinjaCallable) Globals::range);
    globals.put("dict", (JinjaCallable) (args, kwargs) -> {
      Map<Object, Object> m = new LinkedHashMap<>();
      if (!args.isEmpty()) {
        Object src = args.get(0);
        if (src instanceof Map) {
          m.putAll((Map<?, ?>) src);
        } else {
          for (Object pair : Py.iterate(src)) {
            List<Object> kv = Py.iterate(pair);
            m.put(kv.get(0), kv.get(1));
          }
        }
      }
      m.putAll(kwargs);
      return m;
    });
    globals.put("namespace", (JinjaCallable) (args, kwargs) -> {
      Namespace ns = new Namespace();
      for (Object a : args) {
        if (a instanceof Map) {
          ((Map<?, ?>) a).forEach((k, v) -> ns.attrs.put(Py.str(k), v));
        }
      }
      ns.attrs.putAll(kwargs);
      return ns;
    });
  }

  private static Object range(List<Object> args, Map<String, Object> kwargs) {
    if (args.isEmpty() || args.size() > 3 || !kwargs.isEmpty()) {
      throw new TemplateException(Kind.TYPE, 0, "range expected 1 to 3 integer arguments");
    }
    long[] a = new long[args.size()];
    for (int i = 0; i < a.length; i++) {
      Object v = args.get(i);
      if (!Py.isInt(v) && !(v instanceof Boolean)) {
        throw new TemplateException(Kind.TYPE, 0, "'" + Py.typeName(v) + "' object cannot be interpreted as an integer");
      }
      a[i] = Py.toBig(v).longValue();
    }
    long start = a.length == 1 ? 0 : a[0];
    long stop = a.length == 1 ? a[0] : a[1];
    long step = a.length == 3 ? a[2] : 1;
    if (step == 0) {
      throw new TemplateException(Kind.TYPE, 0, "range() arg 3 must not be zero");
    }
    List<Object> r = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (r.size() >= 100_000) {
        // jinja2's sandbox caps range() at MAX_RANGE = 100000 items
        throw new TemplateException(Kind.SECURITY, 0, "Range too big. The sandbox blocks ranges larger than"
            + " MAX_RANGE (100000).");
      }
      r.add(i);
    }
    return r;
  }
}
