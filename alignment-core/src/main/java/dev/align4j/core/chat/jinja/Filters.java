package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.Environment.Filter;
import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** jinja2's built-in filters that chat templates use, after jinja2/filters.py. */
final class Filters {
  private static final Set<String> JINJA_BUILTINS = Set.of("abs", "attr", "batch", "capitalize", "center", "count",
      "d", "default", "dictsort", "e", "escape", "filesizeformat", "first", "float", "forceescape", "format",
      "groupby", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "pprint",
      "random", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice",
      "sort", "string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode",
      "urlize", "wordcount", "wordwrap", "xmlattr");
  private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);

  private Filters() {}

  static boolean isJinjaBuiltin(String name) {
    return JINJA_BUILTINS.contains(name);
  }

  static void registerBuiltins(Map<String, Filter> f) {
    f.put("abs", (v, a, k, e) -> Py.toDouble(v) < 0 ? Py.arithmetic("-", 0L, v) : v);
    f.put("attr", (v, a, k, e) -> Py.getattr(v, Py.str(new Args("attr", a, k, 1).required(0, "name"))));
    f.put("capitalize", (v, a, k, e) -> PyMethods.capitalize(Py.str(v)));
    f.put("center", (v, a, k, e) -> PyMethods.call(Py.str(v), "center",
        List.of(new Args("center", a, k, 1).get(0, "width", 80L)), Map.of()));
    Filter length = (v, a, k, e) -> (long) Py.len(v);
    f.put("length", length);
    f.put("count", length);
    Filter dflt = (v, a, k, e) -> {
      Args x = new Args("default", a, k, 2);
      return v instanceof Undefined || (x.bool(1, "boolean", false) && !Py.truthy(v))
          ? x.get(0, "default_value", "") : v;
    };
    f.put("default", dflt);
    f.put("d", dflt);
    f.put("dictsort", Filters::dictsort);
    Filter escape = (v, a, k, e) -> Py.str(v).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
        .replace("'", "&#39;").replace("\"", "&#34;");
    f.put("escape", escape);
    f.put("e", escape);
    f.put("forceescape", escape);
    f.put("first", (v, a, k, e) -> {
      List<Object> items = Py.iterate(v);
      return items.isEmpty() ? new Undefined("No first item, sequence was empty.", false) : items.get(0);
    });
    f.put("last", (v, a, k, e) -> {
      List<Object> items = Py.iterate(v);
      return items.isEmpty() ? new Undefined("No last item, sequence was empty.", false)
          : items.get(items.size() - 1);
    });
    f.put("float", (v, a, k, e) -> toFloat(v, new Args("float", a, k, 1).get(0, "default", 0.0)));
    f.put("int", (v, a, k, e) -> {
      Args x = new Args("int", a, k, 2);
      return toInt(v, x.get(0, "default", 0L), (int) x.integer(1, "base", 10));
    });
    f.put("format", (v, a, k, e) -> PyFormat.percent(Py.str(v), k.isEmpty() ? new PyTuple(a) : k));
    f.put("indent", Filters::indent);
    f.put("items", (v, a, k, e) -> {
      if (v instanceof Undefined) {
        return new ArrayList<>();
      }
      if (!(v instanceof Map)) {
        throw new TemplateException(Kind.TYPE, 0, "Can only get item pairs from a mapping.");
      }
      return PyMethods.call(v, "items", List.of(), Map.of());
    });
    f.put("join", (v, a, k, e) -> {
      Args x = new Args("join", a, k, 2);
      String sep = Py.str(x.get(0, "d", ""));
      Object attribute = x.get(1, "attribute", null);
      StringBuilder b = new StringBuilder();
      List<Object> items = Py.iterate(v);
      for (int i = 0; i < items.size(); i++) {
        Object item = attribute == null ? items.get(i) : attribute(items.get(i), attribute);
        b.append(i > 0 ? sep : "").append(Py.str(item));
        RenderBudget.building(b.length());
      }
      return b.toString();
    });
    f.put("list", (v, a, k, e) -> Py.iterate(v));
    f.put("lower", (v, a, k, e) -> Py.str(v).toLowerCase(Locale.ROOT));
    f.put("upper", (v, a, k, e) -> Py.str(v).toUpperCase(Locale.ROOT));
    f.put("map", Filters::map);
    f.put("max", (v, a, k, e) -> extreme(v, a, k, true));
    f.put("min", (v, a, k, e) -> extreme(v, a, k, false));
    f.put("select", (v, a, k, e) -> select(v, a, k, e, false, false));
    f.put("reject", (v, a, k, e) -> select(v, a, k, e, true, false));
    f.put("selectattr", (v, a, k, e) -> select(v, a, k, e, false, true));
    f.put("rejectattr", (v, a, k, e) -> select(v, a, k, e, true, true));
    f.put("replace", (v, a, k, e) -> {
      Args x = new Args("replace", a, k, 3);
      Object count = x.get(2, "count", null);
      List<Object> args = new ArrayList<>(List.of(Py.str(x.required(0, "old")), Py.str(x.required(1, "new"))));
      if (count != null) {
        args.add(count);
      }
      return PyMethods.call(Py.str(v), "replace", args, Map.of());
    });
    f.put("reverse", (v, a, k, e) -> {
      if (v instanceof String) {
        return Py.slice(v, null, null, -1L);
      }
      List<Object> items = Py.iterate(v);
      java.util.Collections.reverse(items);
      return items;
    });
    f.put("round", Filters::round);
    f.put("safe", (v, a, k, e) -> v);
    f.put("sort", Filters::sort);
    f.put("string", (v, a, k, e) -> Py.str(v));
    f.put("sum", (v, a, k, e) -> {
      Args x = new Args("sum", a, k, 2);
      Object attribute = x.get(0, "attribute", null);
      Object total = x.get(1, "start", 0L);
      for (Object item : Py.iterate(v)) {
        total = Py.arithmetic("+", total, attribute == null ? item : attribute(item, attribute));
      }
      return total;
    });
    f.put("title", (v, a, k, e) -> {
      StringBuilder b = new StringBuilder();
      for (String item : splitKeeping(WORD_BEGINNING, Py.str(v))) {
        if (!item.isEmpty()) {
          int cp = item.codePointAt(0);
          b.append(new String(Character.toChars(cp)).toUpperCase(Locale.ROOT))
              .append(item.substring(Character.charCount(cp)).toLowerCase(Locale.ROOT));
        }
      }
      return b.toString();
    });
    f.put("tojson", (v, a, k, e) -> {
      // jinja2's own tojson: htmlsafe_json_dumps with sort_keys=True; transformers replaces it (TransformersJinja)
      Object indent = new Args("tojson", a, k, 1).get(0, "indent", null);
      String json = PyJson.tojson(v, List.of(), indent == null ? Map.of("ensure_ascii", true, "sort_keys", true)
          : Map.of("ensure_ascii", true, "sort_keys", true, "indent", indent));
      return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
          .replace("'", "\\u0027");
    });
    f.put("trim", (v, a, k, e) -> Py.strip(Py.str(v), new Args("trim", a, k, 1).string(0, "chars", null)));
    f.put("unique", (v, a, k, e) -> {
      Args x = new Args("unique", a, k, 2);
      boolean cs = x.bool(0, "case_sensitive", false);
      Object attribute = x.get(1, "attribute", null);
      List<Object> seen = new ArrayList<>();
      List<Object> out = new ArrayList<>();
      for (Object item : Py.iterate(v)) {
        Object key = sortKey(attribute == null ? item : attribute(item, attribute), cs);
        if (seen.stream().noneMatch(s -> Py.eq(s, key))) {
          seen.add(key);
          out.add(item);
        }
      }
      return out;
    });
    f.put("wordcount", (v, a, k, e) -> {
      Matcher m = WORD.matcher(Py.str(v));
      long c = 0;
      while (m.find()) {
        c++;
      }
      return c;
    });
  }

  /** re.split with a capturing group: the separators stay in the result. */
  private static List<String> splitKeeping(Pattern p, String s) {
    List<String> r = new ArrayList<>();
    Matcher m = p.matcher(s);
    int last = 0;
    while (m.find()) {
      r.add(s.substring(last, m.start()));
      r.add(m.group());
      last = m.end();
    }
    r.add(s.substring(last));
    return r;
  }

  /** jinja2's attribute lookup for map/sort/selectattr: a dotted path, integers as indexes. */
  static Object attribute(Object item, Object path) {
    Object v = item;
    for (String part : Py.str(path).split("\\.", -1)) {
      Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
      v = Py.getitem(v, key);
    }
    return v;
  }

  private static Object sortKey(Object v, boolean caseSensitive) {
    return !caseSensitive && v instanceof String ? ((String) v).toLowerCase(Locale.ROOT) : v;
  }

  private static Object sort(Object v, List<Object> a, Map<String, Object> k, Environment e) {
    Args x = new Args("sort", a, k, 3);
    boolean reverse = x.bool(0, "reverse", false);
    boolean cs = x.bool(1, "case_sensitive", false);
    Object attribute = x.get(2, "attribute", null);
    List<Object> items = Py.iterate(v);
    Comparator<Object> cmp = (p, q) -> Py.order(sortKey(attribute == null ? p : attribute(p, attribute), cs),
        sortKey(attribute == null ? q : attribute(q, attribute), cs), "<");
    items.sort(reverse ? cmp.reversed() : cmp);
    return items;
  }

  private static Object dictsort(Object v, List<Object> a, Map<String, Object> k, Environment e) {
    Args x = new Args("dictsort", a, k, 3);
    boolean cs = x.bool(0, "case_sensitive", false);
    String by = x.string(1, "by", "key");
    boolean reverse = x.bool(2, "reverse", false);
    int pos = by.equals("key") ? 0 : 1;
    @SuppressWarnings("unchecked")
    List<Object> items = (List<Object>) PyMethods.call(v, "items", List.of(), Map.of());
    Comparator<Object> cmp = (p, q) -> Py.order(sortKey(((List<?>) p).get(pos), cs), sortKey(((List<?>) q).get(pos),
        cs), "<");
    items.sort(reverse ? cmp.reversed() : cmp);
    return items;
  }

  private static Object extreme(Object v, List<Object> a, Map<String, Object> k, boolean max) {
    Args x = new Args(max ? "max" : "min", a, k, 2);
    boolean cs = x.bool(0, "case_sensitive", false);
    Object attribute = x.get(1, "attribute", null);
    List<Object> items = Py.iterate(v);
    if (items.isEmpty()) {
      return new Undefined("No aggregated item, sequence was empty.", false);
    }
    Object best = items.get(0);
    for (Object item : items.subList(1, items.size())) {
      int c = Py.order(sortKey(attribute == null ? item : attribute(item, attribute), cs),
          sortKey(attribute == null ? best : attribute(best, attribute), cs), "<");
      if (max ? c > 0 : c < 0) {
        best = item;
      }
    }
    return best;
  }

  private static Object map(Object v, List<Object> a, Map<String, Object> k, Environment e) {
    List<Object> out = new ArrayList<>();
    if (a.isEmpty() && k.containsKey("attribute")) {
      Object attr = k.get("attribute");
      for (Object item : Py.iterate(v)) {
        Object r = attribute(item, attr);
        out.add(r instanceof Undefined && k.containsKey("default") ? k.get("default") : r);
      }
      return out;
    }
    if (a.isEmpty()) {
      throw new TemplateException(Kind.TYPE, 0, "map requires a filter argument");
    }
    String name = Py.str(a.get(0));
    Filter filter = e.filter(name);
    if (filter == null) {
      throw new TemplateException(Kind.UNSUPPORTED, 0, "No filter named '" + name + "'.");
    }
    for (Object item : Py.iterate(v)) {
      out.add(filter.apply(item, a.subList(1, a.size()), k, e));
    }
    return out;
  }

  private static Object select(Object v, List<Object> a, Map<String, Object> k, Environment e, boolean reject,
      boolean byAttribute) {
    List<Object> args = new ArrayList<>(a);
    Object attr = null;
    if (byAttribute) {
      if (args.isEmpty()) {
        throw new TemplateException(Kind.TYPE, 0, "Missing parameter for attribute name");
      }
      attr = args.remove(0);
    }
    Environment.Test test = null;
    if (!args.isEmpty()) {
      String name = Py.str(args.remove(0));
      test = e.test(name);
      if (test == null) {
        throw new TemplateException(Kind.UNSUPPORTED, 0, "No test named '" + name + "'.");
      }
    }
    List<Object> out = new ArrayList<>();
    for (Object item : Py.iterate(v)) {
      Object subject = byAttribute ? attribute(item, attr) : item;
      boolean ok = test == null ? Py.truthy(subject) : test.apply(subject, args, k, e);
      if (ok != reject) {
        out.add(item);
      }
    }
    return out;
  }

  private static Object indent(Object v, List<Object> a, Map<String, Object> k, Environment e) {
    Args x = new Args("indent", a, k, 3);
    Object width = x.get(0, "width", 4L);
    String indention;
    if (width instanceof String) {
      indention = (String) width;
    } else {
      long n = x.integer(0, "width", 4L);
      RenderBudget.building(n);
      indention = " ".repeat((int) Math.max(0, n));     // Python: " " * -5 is ""
    }
    boolean first = x.bool(1, "first", false);
    boolean blank = x.bool(2, "blank", false);
    String s = Py.str(v) + "\n";
    @SuppressWarnings("unchecked")
    List<Object> lines = (List<Object>) PyMethods.call(s, "splitlines", List.of(), Map.of());
    String rv;
    if (blank) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        b.append(i > 0 ? "\n" + indention : "").append(lines.get(i));
      }
      rv = b.toString();
    } else {
      StringBuilder b = new StringBuilder((String) lines.get(0));
      if (lines.size() > 1) {
        b.append('\n');
        for (int i = 1; i < lines.size(); i++) {
          String line = (String) lines.get(i);
          b.append(i > 1 ? "\n" : "").append(line.isEmpty() ? line : indention + line);
        }
      }
      rv = b.toString();
    }
    return first ? indention + rv : rv;
  }

  private static Object round(Object v, List<Object> a, Map<String, Object> k, Environment e) {
    Args x = new Args("round", a, k, 2);
    // CPython's float.__round__ returns the float itself past 323 digits and a zero past -308: clamped, 10 ** 20
    // digits neither wraps around as a long nor asks BigDecimal for an impossible scale
    int precision = (int) Math.max(-400, Math.min(400, x.integer(0, "precision", 0)));
    String method = x.string(1, "method", "common");
    double d = Py.toDouble(v);
    switch (method) {
      case "common":
        if (!Double.isFinite(d) || precision > 330) {
          return d;                      // round(inf) and round(nan) are themselves; BigDecimal has no such values
        }
        if (precision < -330) {
          return 0.0 * d;
        }
        // Python's round(): half-even on the exact binary value, so round(2.675, 2) == 2.67 and round(2.5) == 2.0
        return new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).doubleValue();
      case "ceil":
        return Math.ceil(d * Math.pow(10, precision)) / Math.pow(10, precision);
      case "floor":
        return Math.floor(d * Math.pow(10, precision)) / Math.pow(10, precision);
      default:
        throw new TemplateException(Kind.TYPE, 0, "method must be common, ceil or floor");
    }
  }

  private static Object toFloat(Object v, Object dflt) {
    if (v instanceof Double) {
      return v;
    }
    if (Py.isNumber(v)) {
      return Py.toDouble(v);
    }
    try {
      return Double.parseDouble(Py.str(v).strip());
    } catch (NumberFormatException ex) {
      return dflt;
    }
  }

  private static Object toInt(Object v, Object dflt, int base) {
    if (Py.isInt(v) || v instanceof Boolean) {
      return Py.normalize(Py.toBig(v));
    }
    if (v instanceof Double) {
      return floatToInt((Double) v, dflt);
    }
    String s = Py.str(v).strip().replace("_", "");
    try {
      return Py.normalize(new java.math.BigInteger(s, base));
    } catch (NumberFormatException ex) {
      BigDecimal d;
      try {
        d = new BigDecimal(s);
      } catch (NumberFormatException ex2) {
        return dflt;
      }
      // jinja2 falls back to int(float(s)): past a float's range that is int(inf), an OverflowError, where
      // BigDecimal would spell out 10 ** 999999999
      if (d.precision() - d.scale() > 309) {
        throw new TemplateException(Kind.TYPE, 0, "OverflowError: cannot convert float infinity to integer");
      }
      return Py.normalize(d.toBigInteger());
    }
  }

  /** jinja2's {@code int(x)} of a float: NaN gives the default (a ValueError it catches), infinity fails. */
  private static Object floatToInt(double d, Object dflt) {
    if (Double.isNaN(d)) {
      return dflt;
    }
    if (Double.isInfinite(d)) {
      throw new TemplateException(Kind.TYPE, 0, "OverflowError: cannot convert float infinity to integer");
    }
    return Py.normalize(new BigDecimal(d).toBigInteger());
  }
}
