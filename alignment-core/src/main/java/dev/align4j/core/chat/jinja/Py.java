package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python's value semantics for template values, the one place that decides what {@code ==}, {@code +}, {@code str()},
 * truth, length and iteration mean. Values are Java objects: {@code null} (None), {@link Boolean}, {@link Long} or
 * {@link BigInteger} (int), {@link Double} (float), {@link String}, {@link List} (list; {@link PyTuple} for tuple),
 * {@link Map} (dict, insertion-ordered), {@link Undefined}, {@link Namespace}, {@link LoopState} and
 * {@link JinjaCallable}. Strings are indexed by code point, as in Python.
 */
final class Py {
  private static final Set<String> SAFE_DICT_METHODS = Set.of("items", "keys", "values", "get", "copy");
  private static final Set<String> UNSAFE_DICT_METHODS = Set.of("pop", "popitem", "setdefault", "update", "clear");
  private static final Set<String> SAFE_LIST_METHODS = Set.of("index", "count", "copy");
  private static final Set<String> UNSAFE_LIST_METHODS = Set.of("append", "extend", "insert", "pop", "remove",
      "reverse", "sort", "clear");

  private Py() {}

  static TemplateException typeError(String msg) {
    return new TemplateException(Kind.TYPE, 0, msg);
  }

  // ---- types ----

  static String typeName(Object o) {
    if (o == null) {
      return "NoneType";
    }
    if (o instanceof Boolean) {
      return "bool";
    }
    if (isInt(o)) {
      return "int";
    }
    if (o instanceof Double) {
      return "float";
    }
    if (o instanceof String) {
      return "str";
    }
    if (o instanceof PyTuple) {
      return "tuple";
    }
    if (o instanceof List) {
      return "list";
    }
    if (o instanceof Map) {
      return "dict";
    }
    if (o instanceof Undefined) {
      return "Undefined";
    }
    if (o instanceof Namespace) {
      return "Namespace";
    }
    if (o instanceof LoopState) {
      return "LoopContext";
    }
    if (o instanceof BoundMethod) {
      return "builtin_function_or_method";
    }
    return "function";
  }

  static boolean isInt(Object o) {
    return o instanceof Long || o instanceof BigInteger || o instanceof Integer;
  }

  /** int, float or bool (Python's bool is an int). */
  static boolean isNumber(Object o) {
    return isInt(o) || o instanceof Double || o instanceof Boolean;
  }

  static boolean isSequence(Object o) {
    return o instanceof List;
  }

  // ---- truth and text ----

  static boolean truthy(Object o) {
    if (o == null || o instanceof Undefined) {
      return false;
    }
    if (o instanceof Boolean) {
      return (Boolean) o;
    }
    if (o instanceof Long) {
      return (Long) o != 0;
    }
    if (o instanceof BigInteger) {
      return ((BigInteger) o).signum() != 0;
    }
    if (o instanceof Double) {
      return (Double) o != 0.0;
    }
    if (o instanceof String) {
      return !((String) o).isEmpty();
    }
    if (o instanceof Collection) {
      return !((Collection<?>) o).isEmpty();
    }
    if (o instanceof Map) {
      return !((Map<?, ?>) o).isEmpty();
    }
    return true;
  }

  /** Python's {@code str(o)}, which is what {@code {{ o }}} prints (jinja2's Undefined prints as nothing). */
  static String str(Object o) {
    if (o instanceof String) {
      return (String) o;
    }
    if (o instanceof Undefined) {
      return "";
    }
    return repr(o);
  }

  static String repr(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof Boolean) {
      return (Boolean) o ? "True" : "False";
    }
    if (isInt(o)) {
      if (o instanceof BigInteger && ((BigInteger) o).bitLength() > RenderBudget.EXPENSIVE) {
        RenderBudget.expensive();        // the digits of a 2 ** 20-bit int take a second
      }
      return o.toString();
    }
    if (o instanceof Double) {
      return floatRepr((Double) o);
    }
    if (o instanceof String) {
      return stringRepr((String) o);
    }
    if (o instanceof PyTuple) {
      List<?> l = (List<?>) o;
      StringBuilder b = new StringBuilder("(");
      for (int i = 0; i < l.size(); i++) {
        b.append(i > 0 ? ", " : "").append(repr(l.get(i)));
        RenderBudget.building(b.length());
      }
      return b.append(l.size() == 1 ? ",)" : ")").toString();
    }
    if (o instanceof List) {
      StringBuilder b = new StringBuilder("[");
      List<?> l = (List<?>) o;
      for (int i = 0; i < l.size(); i++) {
        b.append(i > 0 ? ", " : "").append(repr(l.get(i)));
        RenderBudget.building(b.length());
      }
      return b.append(']').toString();
    }
    if (o instanceof Map) {
      StringBuilder b = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        b.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
        RenderBudget.building(b.length());
        first = false;
      }
      return b.append('}').toString();
    }
    if (o instanceof Undefined) {
      return "Undefined";
    }
    return o.toString();
  }

  /** Python's repr of a str: single quotes unless the text has ' and no ", escapes for non-printables. */
  static String stringRepr(String s) {
    if (plainAscii(s)) {
      return "'" + s + "'";              // the common case, without the code-point walk below
    }
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder b = new StringBuilder().append(quote);
    RenderBudget.building(s.length() + 2L);
    int[] seen = {0};
    s.codePoints().forEach(cp -> {
      if ((++seen[0] & 0xfff) == 0) {
        RenderBudget.building(b.length());     // escapes make a repr up to 10 times its string
      }
      if (cp == quote || cp == '\\') {
        b.append('\\').appendCodePoint(cp);
      } else if (cp == '\t') {
        b.append("\\t");
      } else if (cp == '\n') {
        b.append("\\n");
      } else if (cp == '\r') {
        b.append("\\r");
      } else if (cp < 0x20 || cp == 0x7f) {
        b.append(String.format("\\x%02x", cp));
      } else if (cp < 0x7f || isPrintable(cp)) {
        b.appendCodePoint(cp);
      } else if (cp <= 0xff) {
        b.append(String.format("\\x%02x", cp));
      } else if (cp <= 0xffff) {
        b.append(String.format("\\u%04x", cp));
      } else {
        b.append(String.format("\\U%08x", cp));
      }
    });
    return b.append(quote).toString();
  }

  /** Printable ASCII without a quote or backslash: its repr is itself in single quotes. */
  private static boolean plainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '\'' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static boolean isPrintable(int cp) {
    if (cp == ' ') {
      return true;
    }
    int t = Character.getType(cp);
    return t != Character.CONTROL && t != Character.FORMAT && t != Character.SURROGATE
        && t != Character.PRIVATE_USE && t != Character.UNASSIGNED && t != Character.LINE_SEPARATOR
        && t != Character.PARAGRAPH_SEPARATOR && t != Character.SPACE_SEPARATOR;
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that round-trip (the closest such when several exist), fixed
   * notation for decimal exponents -4..15 and {@code 1e+16} style otherwise.
   */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0.0) {
      return 1.0 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal shortest = exact;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        shortest = r;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    int decpt = digits.length() - shortest.scale();
    int exp10 = decpt - 1;
    StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
    if (exp10 >= -4 && exp10 < 16) {
      if (decpt <= 0) {
        b.append("0.").append("0".repeat(-decpt)).append(digits);
      } else if (decpt >= digits.length()) {
        b.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
      } else {
        b.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
      }
    } else {
      b.append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      b.append(exp10 < 0 ? "e-" : "e+").append(String.format("%02d", Math.abs(exp10)));
    }
    return b.toString();
  }

  // ---- whitespace, after str.isspace() ----

  static boolean isSpace(int c) {
    switch (c) {
      case ' ': case '\t': case '\n': case 0x0b: case 0x0c: case '\r':
      case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x85: case 0xa0: case 0x1680:
      case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
        return true;
      default:
        return c >= 0x2000 && c <= 0x200a;
    }
  }

  static String strip(String s, String chars) {
    return rstrip(lstrip(s, chars), chars);
  }

  static String lstrip(String s, String chars) {
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      if (!stripped(cp, chars)) {
        break;
      }
      i += Character.charCount(cp);
    }
    return s.substring(i);
  }

  static String rstrip(String s, String chars) {
    int j = s.length();
    while (j > 0) {
      int cp = s.codePointBefore(j);
      if (!stripped(cp, chars)) {
        break;
      }
      j -= Character.charCount(cp);
    }
    return s.substring(0, j);
  }

  private static boolean stripped(int cp, String chars) {
    return chars == null ? isSpace(cp) : chars.indexOf(new String(Character.toChars(cp))) >= 0;
  }

  // ---- equality and order ----

  static boolean eq(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers(a, b) == 0;
    }
    if (a instanceof String && b instanceof String) {
      return a.equals(b);
    }
    if (a instanceof List && b instanceof List) {
      if ((a instanceof PyTuple) != (b instanceof PyTuple)) {
        return false;
      }
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map && b instanceof Map) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        Object k = findKey(y, e.getKey());
        if (k == NO_KEY || !eq(e.getValue(), y.get(k))) {
          return false;
        }
      }
      return true;
    }
    return a == b || a.equals(b);
  }

  private static final Object NO_KEY = new Object();

  /** The key of {@code m} equal to {@code key} under Python equality (1 == 1.0 == True), or NO_KEY. */
  static Object findKey(Map<?, ?> m, Object key) {
    if (m.containsKey(key)) {
      return key;
    }
    for (Object k : m.keySet()) {
      if (eq(k, key)) {
        return k;
      }
    }
    return NO_KEY;
  }

  static boolean hasKey(Map<?, ?> m, Object key) {
    return findKey(m, key) != NO_KEY;
  }

  static Object lookup(Map<?, ?> m, Object key) {
    Object k = findKey(m, key);
    return k == NO_KEY ? null : m.get(k);
  }

  static int compareNumbers(Object a, Object b) {
    if (a instanceof Double || b instanceof Double) {
      return Double.compare(toDouble(a), toDouble(b)) == 0 ? 0 : Double.compare(toDouble(a), toDouble(b));
    }
    return toBig(a).compareTo(toBig(b));
  }

  /** Python's ordering for {@code < <= > >=}: numbers, str (by code point), lists/tuples lexicographically. */
  static int order(Object a, Object b, String op) {
    if (isNumber(a) && isNumber(b)) {
      return compareNumbers(a, b);
    }
    if (a instanceof String && b instanceof String) {
      return compareCodePoints((String) a, (String) b);
    }
    if (a instanceof List && b instanceof List && (a instanceof PyTuple) == (b instanceof PyTuple)) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        if (!eq(x.get(i), y.get(i))) {
          return order(x.get(i), y.get(i), op);
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    throw typeError("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b)
        + "'");
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  // ---- numbers ----

  static double toDouble(Object o) {
    if (o instanceof Boolean) {
      return (Boolean) o ? 1 : 0;
    }
    return ((Number) o).doubleValue();
  }

  static BigInteger toBig(Object o) {
    if (o instanceof Boolean) {
      return (Boolean) o ? BigInteger.ONE : BigInteger.ZERO;
    }
    if (o instanceof BigInteger) {
      return (BigInteger) o;
    }
    return BigInteger.valueOf(((Number) o).longValue());
  }

  static Object normalize(BigInteger v) {
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  static Object arithmetic(String op, Object a, Object b) {
    switch (op) {
      case "+": return add(a, b);
      case "-": return numeric(op, a, b);
      case "*": return mul(a, b);
      case "/": return divide(a, b);
      case "//": return numeric(op, a, b);
      case "%": return a instanceof String ? PyFormat.percent((String) a, b) : numeric(op, a, b);
      case "**": return numeric(op, a, b);
      default: throw typeError("unknown operator " + op);
    }
  }

  private static Object add(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return numeric("+", a, b);
    }
    if (a instanceof String) {
      if (b instanceof String) {
        RenderBudget.building((long) ((String) a).length() + ((String) b).length());
        return (String) a + b;
      }
      throw typeError("can only concatenate str (not \"" + typeName(b) + "\") to str");
    }
    if (a instanceof List && b instanceof List && (a instanceof PyTuple) == (b instanceof PyTuple)) {
      // before building: a list doubled 40 times by ns.l = ns.l + ns.l is 2 ** 40 items
      RenderBudget.buildingList((long) ((List<?>) a).size() + ((List<?>) b).size());
      List<Object> r = new ArrayList<>((List<?>) a);
      r.addAll((List<?>) b);
      return a instanceof PyTuple ? new PyTuple(r) : r;
    }
    if (a instanceof List && !(a instanceof PyTuple)) {
      throw typeError("can only concatenate list (not \"" + typeName(b) + "\") to list");
    }
    throw unsupported("+", a, b);
  }

  private static Object mul(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return numeric("*", a, b);
    }
    if ((a instanceof String || a instanceof List) && (isInt(b) || b instanceof Boolean)) {
      return repeat(a, toBig(b).intValue());
    }
    if ((b instanceof String || b instanceof List) && (isInt(a) || a instanceof Boolean)) {
      return repeat(b, toBig(a).intValue());
    }
    throw unsupported("*", a, b);
  }

  private static Object repeat(Object seq, int n) {
    if (seq instanceof String) {
      return ((String) seq).repeat(Math.max(0, n));
    }
    // presized: the budget has already capped n × size at maxOutputChars, and growing a list of ten million by
    // doubling copies it over and over
    List<?> l = (List<?>) seq;
    List<Object> r = new ArrayList<>((int) Math.min(Integer.MAX_VALUE - 8, Math.max(0L, (long) n * l.size())));
    for (int i = 0; i < n; i++) {
      r.addAll(l);
    }
    return seq instanceof PyTuple ? new PyTuple(r) : r;
  }

  private static Object divide(Object a, Object b) {
    if (!isNumber(a) || !isNumber(b)) {
      throw unsupported("/", a, b);
    }
    if (toDouble(b) == 0.0) {
      throw typeError(isInt(b) || b instanceof Boolean ? "division by zero" : "float division by zero");
    }
    if (!(a instanceof Double) && !(b instanceof Double)) {
      return new BigDecimal(toBig(a)).divide(new BigDecimal(toBig(b)), MathContext.DECIMAL128).doubleValue();
    }
    return toDouble(a) / toDouble(b);
  }

  private static Object numeric(String op, Object a, Object b) {
    if (!isNumber(a) || !isNumber(b)) {
      throw unsupported(op, a, b);
    }
    boolean floats = a instanceof Double || b instanceof Double;
    if (floats) {
      double x = toDouble(a);
      double y = toDouble(b);
      switch (op) {
        case "+": return x + y;
        case "-": return x - y;
        case "*": return x * y;
        case "//":
          zeroCheck(y, "float floor division by zero");
          return Math.floor(x / y);
        case "%":
          zeroCheck(y, "float modulo");
          double m = x % y;
          return m != 0 && (m < 0) != (y < 0) ? m + y : m;
        case "**": return Math.pow(x, y);
        default: throw unsupported(op, a, b);
      }
    }
    BigInteger x = toBig(a);
    BigInteger y = toBig(b);
    switch (op) {
      case "+": return normalize(x.add(y));
      case "-": return normalize(x.subtract(y));
      case "*":
        checkIntSize((double) x.bitLength() + y.bitLength() - 1, "*");
        return normalize(x.multiply(y));
      case "//": {
        zeroCheck(y.signum(), "integer division or modulo by zero");
        BigInteger[] qr = x.divideAndRemainder(y);
        return normalize(qr[1].signum() != 0 && (qr[1].signum() != y.signum()) ? qr[0].subtract(BigInteger.ONE)
            : qr[0]);
      }
      case "%": {
        zeroCheck(y.signum(), "integer division or modulo by zero");
        BigInteger r = x.mod(y.abs());
        return normalize(y.signum() < 0 && r.signum() != 0 ? r.add(y) : r);
      }
      case "**":
        if (y.signum() < 0) {
          return Math.pow(x.doubleValue(), y.doubleValue());
        }
        if (x.abs().compareTo(BigInteger.ONE) <= 0) {
          // 0, 1 and -1 to any power, with an exponent too large for BigInteger.pow's int
          return x.signum() == 0 ? (y.signum() == 0 ? 1L : 0L) : x.signum() > 0 || !y.testBit(0) ? 1L : -1L;
        }
        checkIntSize((x.bitLength() - 1) * y.doubleValue(), "**");
        return normalize(x.pow(y.intValueExact()));
      default:
        throw unsupported(op, a, b);
    }
  }

  /**
   * The largest int a template may compute, in bits: 1,048,576 (315,653 decimal digits). Python has no such limit,
   * but one BigInteger operation cannot be interrupted by {@code maxWallTime}, and {@code 3 ** 100000000} takes
   * minutes (a 2 ** 20-bit power takes milliseconds); Python 3.11 cannot print an int of more than 4300 digits either.
   */
  static final int MAX_INT_BITS = 1 << 20;

  private static void checkIntSize(double bits, String op) {
    if (bits > RenderBudget.EXPENSIVE) {
      RenderBudget.expensive();
    }
    if (bits > MAX_INT_BITS) {
      throw typeError("OverflowError: '" + op + "' would give an int of about " + (long) bits + " bits; align4j's"
          + " templates compute ints of at most " + MAX_INT_BITS + " bits (" + (long) (MAX_INT_BITS * Math.log10(2))
          + " digits)");
    }
  }

  private static void zeroCheck(double y, String msg) {
    if (y == 0) {
      throw typeError(msg);
    }
  }

  /** Unary minus; {@code -0.0} stays negative zero as in Python. */
  static Object negate(Object v) {
    if (v instanceof Double) {
      return -(Double) v;
    }
    return normalize(toBig(v).negate());
  }

  static TemplateException unsupported(String op, Object a, Object b) {
    return typeError("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  // ---- containers ----

  static int len(Object o) {
    if (o instanceof String) {
      String s = (String) o;
      return s.codePointCount(0, s.length());
    }
    if (o instanceof Collection) {
      return ((Collection<?>) o).size();
    }
    if (o instanceof Map) {
      return ((Map<?, ?>) o).size();
    }
    if (o instanceof Undefined) {
      return 0;
    }
    throw typeError("object of type '" + typeName(o) + "' has no len()");
  }

  /** Python iteration: list items, dict keys, str characters; Undefined iterates as empty. */
  static List<Object> iterate(Object o) {
    if (o instanceof List) {
      return new ArrayList<>((List<?>) o);
    }
    if (o instanceof Map) {
      return new ArrayList<>(((Map<?, ?>) o).keySet());
    }
    if (o instanceof String) {
      return new ArrayList<>(chars((String) o));
    }
    if (o instanceof Undefined) {
      return new ArrayList<>();
    }
    throw typeError("'" + typeName(o) + "' object is not iterable");
  }

  static List<String> chars(String s) {
    List<String> r = new ArrayList<>();
    s.codePoints().forEach(cp -> r.add(new String(Character.toChars(cp))));
    return r;
  }

  static boolean contains(Object container, Object item) {
    if (container instanceof String) {
      if (!(item instanceof String)) {
        throw typeError("'in <string>' requires string as left operand, not " + typeName(item));
      }
      return ((String) container).contains((String) item);
    }
    if (container instanceof List) {
      for (Object x : (List<?>) container) {
        if (eq(x, item)) {
          return true;
        }
      }
      return false;
    }
    if (container instanceof Map) {
      return hasKey((Map<?, ?>) container, item);
    }
    if (container instanceof Undefined) {
      return false;
    }
    throw typeError("argument of type '" + typeName(container) + "' is not iterable");
  }

  // ---- attribute and item access, after jinja2's sandboxed getattr/getitem ----

  /** {@code obj.name}: Python attributes (methods) first, then the item, as jinja2's {@code getattr} does. */
  static Object getattr(Object obj, String name) {
    if (name.startsWith("_")) {
      return new Undefined("access to attribute '" + name + "' of '" + typeName(obj) + "' object is unsafe.", true);
    }
    if (obj instanceof Namespace) {
      Map<String, Object> attrs = ((Namespace) obj).attrs;
      return attrs.containsKey(name) ? attrs.get(name) : Undefined.noAttribute(obj, name);
    }
    if (obj instanceof LoopState) {
      return ((LoopState) obj).attribute(name);
    }
    if (obj instanceof Map) {
      if (SAFE_DICT_METHODS.contains(name)) {
        return new BoundMethod(obj, name);
      }
      if (UNSAFE_DICT_METHODS.contains(name)) {
        return unsafe(obj, name);
      }
      Map<?, ?> m = (Map<?, ?>) obj;
      return hasKey(m, name) ? lookup(m, name) : Undefined.noAttribute(obj, name);
    }
    if (obj instanceof String && PyMethods.isStringMethod(name)) {
      return new BoundMethod(obj, name);
    }
    if (obj instanceof List && !(obj instanceof PyTuple) && UNSAFE_LIST_METHODS.contains(name)) {
      return unsafe(obj, name);
    }
    if (obj instanceof List && SAFE_LIST_METHODS.contains(name)) {
      return new BoundMethod(obj, name);
    }
    return Undefined.noAttribute(obj, name);
  }

  private static Undefined unsafe(Object obj, String name) {
    return new Undefined("access to attribute '" + name + "' of '" + typeName(obj) + "' object is unsafe.", true);
  }

  /** {@code obj[key]}: the item first, then (for a str key) the attribute; missing items are undefined. */
  static Object getitem(Object obj, Object key) {
    if (obj instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) obj;
      if (hasKey(m, key)) {
        return lookup(m, key);
      }
    } else if ((obj instanceof List || obj instanceof String) && (isInt(key) || key instanceof Boolean)) {
      int n = len(obj);
      long i = toBig(key).longValue();
      if (i < 0) {
        i += n;
      }
      if (i >= 0 && i < n) {
        return obj instanceof List ? ((List<?>) obj).get((int) i) : chars((String) obj).get((int) i);
      }
      return new Undefined(typeName(obj) + " index out of range", false);
    }
    if (key instanceof String && !(obj instanceof Map)) {
      return getattr(obj, (String) key);
    }
    if (key instanceof String && obj instanceof Map) {
      Object attr = getattr(obj, (String) key);
      if (!(attr instanceof Undefined)) {
        return attr;
      }
    }
    return Undefined.noItem(obj, key);
  }

  /** Python slicing of a list, tuple or str; {@code null} parts take Python's defaults. */
  static Object slice(Object obj, Object start, Object stop, Object step) {
    List<?> items;
    if (obj instanceof String) {
      items = chars((String) obj);
    } else if (obj instanceof List) {
      items = (List<?>) obj;
    } else if (obj instanceof Undefined) {
      throw ((Undefined) obj).error(0);
    } else {
      throw typeError("'" + typeName(obj) + "' object is not subscriptable");
    }
    int n = items.size();
    long st = step == null ? 1 : toIndex(step);
    if (st == 0) {
      throw typeError("slice step cannot be zero");
    }
    long lo;
    long hi;
    if (st > 0) {
      lo = start == null ? 0 : clamp(toIndex(start), n, 0, n);
      hi = stop == null ? n : clamp(toIndex(stop), n, 0, n);
    } else {
      lo = start == null ? n - 1 : clamp(toIndex(start), n, -1, n - 1);
      hi = stop == null ? -1 : clamp(toIndex(stop), n, -1, n - 1);
    }
    List<Object> r = new ArrayList<>();
    for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
      r.add(items.get((int) i));
    }
    if (obj instanceof String) {
      StringBuilder b = new StringBuilder();
      r.forEach(b::append);
      return b.toString();
    }
    return obj instanceof PyTuple ? new PyTuple(r) : r;
  }

  private static long toIndex(Object o) {
    if (o instanceof Undefined || o == null) {
      throw typeError("slice indices must be integers or None");
    }
    if (!isInt(o) && !(o instanceof Boolean)) {
      throw typeError("slice indices must be integers or None or have an __index__ method");
    }
    return toBig(o).longValue();
  }

  private static long clamp(long i, int n, long min, long max) {
    long v = i < 0 ? i + n : i;
    return Math.max(min, Math.min(max, v));
  }
}
