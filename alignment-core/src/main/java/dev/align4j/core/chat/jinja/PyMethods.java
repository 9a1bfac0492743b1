package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods of str, dict and list that chat templates call ({@code content.split('</think>')[-1]},
 * {@code tool.items()}), with Python's exact semantics: {@code split} by a literal separator keeps empty pieces,
 * {@code split()} splits on runs of whitespace, {@code strip()} strips Unicode whitespace.
 */
final class PyMethods {
  private static final Set<String> STRING_METHODS = Set.of("strip", "lstrip", "rstrip", "split", "rsplit",
      "splitlines", "startswith", "endswith", "upper", "lower", "title", "capitalize", "swapcase", "replace", "join",
      "find", "rfind", "index", "rindex", "count", "format", "isdigit", "isalpha", "isalnum", "isspace", "islower",
      "isupper", "isnumeric", "isdecimal", "istitle", "zfill", "center", "ljust", "rjust", "partition",
      "rpartition", "removeprefix", "removesuffix", "casefold", "expandtabs", "encode", "translate", "maketrans",
      "format_map", "isidentifier", "isprintable", "isascii");

  private PyMethods() {}

  static boolean isStringMethod(String name) {
    return STRING_METHODS.contains(name);
  }

  static Object call(Object self, String name, List<Object> args, Map<String, Object> kwargs) {
    if (self instanceof String) {
      return string((String) self, name, args, kwargs);
    }
    if (self instanceof Map) {
      return dict((Map<?, ?>) self, name, args, kwargs);
    }
    if (self instanceof List) {
      return list((List<?>) self, name, args, kwargs);
    }
    throw unsupported(Py.typeName(self), name);
  }

  private static TemplateException unsupported(String type, String name) {
    return new TemplateException(Kind.UNSUPPORTED, 0, "the method " + type + "." + name + "() is not supported");
  }

  private static Object dict(Map<?, ?> m, String name, List<Object> args, Map<String, Object> kwargs) {
    switch (name) {
      case "items": {
        List<Object> r = new ArrayList<>();
        m.forEach((k, v) -> r.add(PyTuple.of(k, v)));
        return r;
      }
      case "keys":
        return new ArrayList<Object>(m.keySet());
      case "values":
        return new ArrayList<Object>(m.values());
      case "get": {
        Args a = new Args("get", args, kwargs, 2);
        Object key = a.required(0, "key");
        return Py.hasKey(m, key) ? Py.lookup(m, key) : a.get(1, "default", null);
      }
      case "copy":
        return new LinkedHashMap<Object, Object>(m);
      default:
        throw unsupported("dict", name);
    }
  }

  private static Object list(List<?> l, String name, List<Object> args, Map<String, Object> kwargs) {
    switch (name) {
      case "index": {
        Object x = new Args("index", args, kwargs, 1).required(0, "value");
        for (int i = 0; i < l.size(); i++) {
          if (Py.eq(l.get(i), x)) {
            return (long) i;
          }
        }
        throw new TemplateException(Kind.TYPE, 0, Py.repr(x) + " is not in list");
      }
      case "count": {
        Object x = new Args("count", args, kwargs, 1).required(0, "value");
        return l.stream().filter(y -> Py.eq(y, x)).count();
      }
      case "copy":
        return new ArrayList<Object>(l);
      default:
        throw unsupported(Py.typeName(l), name);
    }
  }

  private static Object string(String s, String name, List<Object> args, Map<String, Object> kwargs) {
    switch (name) {
      case "strip":
        return Py.strip(s, new Args(name, args, kwargs, 1).string(0, "chars", null));
      case "lstrip":
        return Py.lstrip(s, new Args(name, args, kwargs, 1).string(0, "chars", null));
      case "rstrip":
        return Py.rstrip(s, new Args(name, args, kwargs, 1).string(0, "chars", null));
      case "split": {
        Args a = new Args(name, args, kwargs, 2);
        return split(s, a.string(0, "sep", null), a.integer(1, "maxsplit", -1));
      }
      case "rsplit": {
        Args a = new Args(name, args, kwargs, 2);
        return rsplit(s, a.string(0, "sep", null), a.integer(1, "maxsplit", -1));
      }
      case "splitlines":
        return splitlines(s, new Args(name, args, kwargs, 1).bool(0, "keepends", false));
      case "startswith":
      case "endswith":
        return affix(s, name.equals("startswith"), new Args(name, args, kwargs, 3));
      case "upper":
        return s.toUpperCase(java.util.Locale.ROOT);
      case "lower":
        return s.toLowerCase(java.util.Locale.ROOT);
      case "casefold":
        return s.toLowerCase(java.util.Locale.ROOT);
      case "swapcase": {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> b.appendCodePoint(Character.isUpperCase(cp) ? Character.toLowerCase(cp)
            : Character.toUpperCase(cp)));
        return b.toString();
      }
      case "title":
        return title(s);
      case "capitalize":
        return capitalize(s);
      case "replace": {
        Args a = new Args(name, args, kwargs, 3);
        return replace(s, a.string(0, "old", null), a.string(1, "new", null), a.integer(2, "count", -1));
      }
      case "join": {
        Object it = new Args(name, args, kwargs, 1).required(0, "iterable");
        StringBuilder b = new StringBuilder();
        List<Object> items = Py.iterate(it);
        for (int i = 0; i < items.size(); i++) {
          Object x = items.get(i);
          if (!(x instanceof String)) {
            throw new TemplateException(Kind.TYPE, 0, "sequence item " + i + ": expected str instance, "
                + Py.typeName(x) + " found");
          }
          b.append(i > 0 ? s : "").append((String) x);
        }
        return b.toString();
      }
      case "find":
      case "index": {
        String sub = new Args(name, args, kwargs, 1).string(0, "sub", null);
        int i = s.indexOf(sub);
        if (i < 0 && name.equals("index")) {
          throw new TemplateException(Kind.TYPE, 0, "substring not found");
        }
        return i < 0 ? -1L : (long) s.codePointCount(0, i);
      }
      case "rfind":
      case "rindex": {
        String sub = new Args(name, args, kwargs, 1).string(0, "sub", null);
        int i = s.lastIndexOf(sub);
        if (i < 0 && name.equals("rindex")) {
          throw new TemplateException(Kind.TYPE, 0, "substring not found");
        }
        return i < 0 ? -1L : (long) s.codePointCount(0, i);
      }
      case "count": {
        String sub = new Args(name, args, kwargs, 1).string(0, "sub", null);
        if (sub.isEmpty()) {
          return (long) Py.len(s) + 1;
        }
        long c = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
          c++;
        }
        return c;
      }
      case "format":
        return PyFormat.format(s, args, kwargs);
      case "isdigit":
      case "isdecimal":
      case "isnumeric":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
      case "isalpha":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
      case "isalnum":
        return !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
      case "isspace":
        return !s.isEmpty() && s.codePoints().allMatch(Py::isSpace);
      case "islower":
        return s.codePoints().anyMatch(Character::isLowerCase) && s.codePoints().noneMatch(Character::isUpperCase);
      case "isupper":
        return s.codePoints().anyMatch(Character::isUpperCase) && s.codePoints().noneMatch(Character::isLowerCase);
      case "isascii":
        return s.chars().allMatch(c -> c < 128);
      case "removeprefix": {
        String p = new Args(name, args, kwargs, 1).string(0, "prefix", null);
        return s.startsWith(p) ? s.substring(p.length()) : s;
      }
      case "removesuffix": {
        String p = new Args(name, args, kwargs, 1).string(0, "suffix", null);
        return s.endsWith(p) && !p.isEmpty() ? s.substring(0, s.length() - p.length()) : s;
      }
      case "partition":
      case "rpartition": {
        String sep = new Args(name, args, kwargs, 1).string(0, "sep", null);
        int i = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
        if (i < 0) {
          return name.equals("partition") ? PyTuple.of(s, "", "") : PyTuple.of("", "", s);
        }
        return PyTuple.of(s.substring(0, i), sep, s.substring(i + sep.length()));
      }
      case "zfill": {
        long width = new Args(name, args, kwargs, 1).integer(0, "width", 0);
        if (width <= Py.len(s)) {
          return s;
        }
        RenderBudget.building(width);       // before building: 'x'.zfill(10 ** 9) is a gigabyte
        int pad = (int) width - Py.len(s);
        boolean sign = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-');
        return sign ? s.charAt(0) + "0".repeat(pad) + s.substring(1) : "0".repeat(pad) + s;
      }
      case "center":
      case "ljust":
      case "rjust": {
        Args a = new Args(name, args, kwargs, 2);
        long width = a.integer(0, "width", 0);
        String fill = a.string(1, "fillchar", " ");
        if (width <= Py.len(s)) {
          return s;
        }
        RenderBudget.building(width);       // before building: 'x'.center(10 ** 9) is a gigabyte
        int pad = (int) width - Py.len(s);
        if (name.equals("ljust")) {
          return s + fill.repeat(pad);
        }
        if (name.equals("rjust")) {
          return fill.repeat(pad) + s;
        }
        int left = pad / 2 + (pad & (int) a.integer(0, "width", 0) & 1);
        return fill.repeat(left) + s + fill.repeat(pad - left);
      }
      default:
        throw unsupported("str", name);
    }
  }

  static List<Object> split(String s, String sep, long maxsplit) {
    List<Object> r = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = s.length();
      long splits = 0;
      while (true) {
        while (i < n && Py.isSpace(s.charAt(i))) {
          i++;
        }
        if (i >= n) {
          break;
        }
        if (maxsplit >= 0 && splits == maxsplit) {
          r.add(Py.rstrip(s.substring(i), null));
          break;
        }
        int j = i;
        while (j < n && !Py.isSpace(s.charAt(j))) {
          j++;
        }
        r.add(s.substring(i, j));
        splits++;
        i = j;
      }
      return r;
    }
    if (sep.isEmpty()) {
      throw new TemplateException(Kind.TYPE, 0, "empty separator");
    }
    int from = 0;
    long splits = 0;
    while (maxsplit < 0 || splits < maxsplit) {
      int i = s.indexOf(sep, from);
      if (i < 0) {
        break;
      }
      r.add(s.substring(from, i));
      from = i + sep.length();
      splits++;
    }
    r.add(s.substring(from));
    return r;
  }

  private static List<Object> rsplit(String s, String sep, long maxsplit) {
    if (maxsplit < 0) {
      return split(s, sep, maxsplit);
    }
    if (sep == null) {
      List<Object> r = new ArrayList<>();
      int j = s.length();
      long splits = 0;
      while (true) {
        while (j > 0 && Py.isSpace(s.charAt(j - 1))) {
          j--;
        }
        if (j <= 0) {
          break;
        }
        if (splits == maxsplit) {
          r.add(0, Py.lstrip(s.substring(0, j), null));
          break;
        }
        int i = j;
        while (i > 0 && !Py.isSpace(s.charAt(i - 1))) {
          i--;
        }
        r.add(0, s.substring(i, j));
        splits++;
        j = i;
      }
      return r;
    }
    if (sep.isEmpty()) {
      throw new TemplateException(Kind.TYPE, 0, "empty separator");
    }
    List<Object> r = new ArrayList<>();
    int end = s.length();
    long splits = 0;
    while (splits < maxsplit) {
      int i = s.lastIndexOf(sep, end - sep.length());
      if (i < 0) {
        break;
      }
      r.add(0, s.substring(i + sep.length(), end));
      end = i;
      splits++;
    }
    r.add(0, s.substring(0, end));
    return r;
  }

  private static List<Object> splitlines(String s, boolean keepends) {
    List<Object> r = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      boolean brk = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e
          || c == 0x85 || c == 0x2028 || c == 0x2029;
      if (!brk) {
        i++;
        continue;
      }
      int eol = i + (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1);
      r.add(s.substring(start, keepends ? eol : i));
      start = eol;
      i = eol;
    }
    if (start < s.length()) {
      r.add(s.substring(start));
    }
    return r;
  }

  private static boolean affix(String s, boolean prefix, Args a) {
    Object what = a.required(0, prefix ? "prefix" : "suffix");
    String sub = s;
    Object start = a.get(1, "start", null);
    Object end = a.get(2, "end", null);
    if (start != null || end != null) {
      sub = (String) Py.slice(s, start, end, null);
    }
    List<Object> options = what instanceof PyTuple ? Py.iterate(what) : List.of(what);
    for (Object o : options) {
      if (!(o instanceof String)) {
        throw new TemplateException(Kind.TYPE, 0, (prefix ? "startswith" : "endswith")
            + " first arg must be str or a tuple of str, not " + Py.typeName(o));
      }
      if (prefix ? sub.startsWith((String) o) : sub.endsWith((String) o)) {
        return true;
      }
    }
    return false;
  }

  private static String replace(String s, String old, String rep, long count) {
    if (count < 0) {
      return old.isEmpty() ? insertEverywhere(s, rep) : s.replace(old, rep);
    }
    StringBuilder b = new StringBuilder();
    int from = 0;
    for (long c = 0; c < count; c++) {
      int i = s.indexOf(old, from);
      if (i < 0 || old.isEmpty()) {
        break;
      }
      b.append(s, from, i).append(rep);
      from = i + old.length();
    }
    return b.append(s.substring(from)).toString();
  }

  private static String insertEverywhere(String s, String rep) {
    StringBuilder b = new StringBuilder(rep);
    for (String c : Py.chars(s)) {
      b.append(c).append(rep);
    }
    return b.toString();
  }

  /** Python's str.title(): a cased character after an uncased one starts a word. */
  static String title(String s) {
    StringBuilder b = new StringBuilder();
    boolean prevCased = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      boolean cased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
      b.appendCodePoint(prevCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
      prevCased = cased;
      i += Character.charCount(cp);
    }
    return b.toString();
  }

  /** Python's str.capitalize(): first character title-cased, the rest lower-cased. */
  static String capitalize(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int cp = s.codePointAt(0);
    return new String(Character.toChars(Character.toTitleCase(cp)))
        + s.substring(Character.charCount(cp)).toLowerCase(java.util.Locale.ROOT);
  }
}
