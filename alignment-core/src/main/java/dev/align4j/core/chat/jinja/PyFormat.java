package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's two string formatting mini-languages as far as templates use them: {@code 'x=%s' % v} (printf style, the
 * {@code format} filter too) and {@code '{} {name}'.format(...)}, with conversions s, r, d, i, f, x and widths.
 */
final class PyFormat {
  private static final Pattern PERCENT = Pattern.compile("%(\\(([^)]*)\\))?([-+ #0]*)(\\*|\\d+)?(?:\\.(\\d+))?([a-zA-Z%])");
  private static final Pattern SPEC = Pattern.compile("(?:(.)?([<>^=]))?([-+ ])?(0)?(\\d+)?(,)?(?:\\.(\\d+))?([sdfFxXeEgGo%])?");

  private PyFormat() {}

  /** {@code fmt % args}: a tuple supplies several values, a dict supplies {@code %(name)s} values. */
  static String percent(String fmt, Object args) {
    List<Object> values = args instanceof PyTuple ? Py.iterate(args) : List.of(args == null ? NONE : args);
    Matcher m = PERCENT.matcher(fmt);
    StringBuilder b = new StringBuilder();
    int last = 0;
    int next = 0;
    while (m.find()) {
      b.append(fmt, last, m.start());
      last = m.end();
      char conv = m.group(6).charAt(0);
      if (conv == '%') {
        b.append('%');
        continue;
      }
      Object v;
      if (m.group(2) != null) {
        if (!(args instanceof Map)) {
          throw new TemplateException(Kind.TYPE, 0, "format requires a mapping");
        }
        v = Py.lookup((Map<?, ?>) args, m.group(2));
      } else {
        if (next >= values.size()) {
          throw new TemplateException(Kind.TYPE, 0, "not enough arguments for format string");
        }
        v = values.get(next++);
        v = v == NONE ? null : v;
      }
      String flags = m.group(3);
      int width = m.group(4) == null || m.group(4).equals("*") ? 0 : size(m.group(4));
      Integer precision = m.group(5) == null ? null : size(m.group(5));
      String body = convert(v, conv, precision, flags.contains("+") ? "+" : flags.contains(" ") ? " " : "");
      boolean left = flags.contains("-");
      boolean zero = flags.contains("0") && !left && conv != 's' && conv != 'r';
      b.append(pad(body, width, left ? '<' : zero ? '=' : '>', zero ? '0' : ' '));
    }
    if (m.hitEnd() || last <= fmt.length()) {
      b.append(fmt.substring(last));
    }
    if (next < values.size() && !(args instanceof Map) && args instanceof PyTuple) {
      throw new TemplateException(Kind.TYPE, 0, "not all arguments converted during string formatting");
    }
    return b.toString();
  }

  private static final Object NONE = new Object();
  /** More than the fractional digits of any double's exact value (the smallest subnormal has 1074). */
  private static final int EXACT_FRACTION_DIGITS = 1100;

  /**
   * A width or precision of a format: at most maxOutputChars, since the text it makes is at least that long, checked
   * before anything is built ({@code '%.999999999f'} and {@code '{:>99999999999}'} would otherwise take gigabytes or
   * overflow an int).
   */
  private static int size(String digits) {
    long n = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    RenderBudget.building(n);
    if (n > Integer.MAX_VALUE) {
      // outside a render there is no budget; Python says "width too big" past sys.maxsize
      throw new TemplateException(Kind.TYPE, 0, "ValueError: width or precision too big: " + digits);
    }
    return (int) n;
  }

  private static String convert(Object v, char conv, Integer precision, String sign) {
    switch (conv) {
      case 's': {
        String s = Py.str(v);
        return precision == null ? s : s.substring(0, Math.min(s.length(), precision));
      }
      case 'r':
        return Py.repr(v);
      case 'd':
      case 'i':
        requireNumber(v, conv);
        if (v instanceof Double && !Double.isFinite((Double) v)) {
          throw new TemplateException(Kind.TYPE, 0, (Double.isNaN((Double) v) ? "ValueError: cannot convert float"
              + " NaN to integer" : "OverflowError: cannot convert float infinity to integer"));
        }
        String d = v instanceof Double ? new BigDecimal((Double) v).setScale(0, RoundingMode.DOWN).toBigInteger()
            .toString() : Py.toBig(v).toString();
        return d.startsWith("-") ? d : sign + d;
      case 'f':
      case 'F': {
        requireNumber(v, conv);
        double x = Py.toDouble(v);
        if (!Double.isFinite(x)) {
          String t = Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";     // as Python prints them
          return t.startsWith("-") ? t : sign + t;
        }
        // A double's exact value has at most 1074 fractional digits: past them the digits are zeros, appended
        // rather than computed ('%.1000000f' would otherwise take BigDecimal seconds)
        int p = precision == null ? 6 : precision;
        String f = new BigDecimal(x).setScale(Math.min(p, EXACT_FRACTION_DIGITS), RoundingMode.HALF_EVEN)
            .toPlainString() + (p > EXACT_FRACTION_DIGITS ? "0".repeat(p - EXACT_FRACTION_DIGITS) : "");
        return f.startsWith("-") ? f : sign + f;
      }
      case 'x':
        requireNumber(v, conv);
        return Py.toBig(v).toString(16);
      case 'X':
        requireNumber(v, conv);
        return Py.toBig(v).toString(16).toUpperCase(java.util.Locale.ROOT);
      case 'o':
        requireNumber(v, conv);
        return Py.toBig(v).toString(8);
      default:
        throw new TemplateException(Kind.UNSUPPORTED, 0, "the format conversion %" + conv + " is not supported");
    }
  }

  private static void requireNumber(Object v, char conv) {
    if (!Py.isNumber(v)) {
      throw new TemplateException(Kind.TYPE, 0, "%" + conv + " format: a real number is required, not "
          + Py.typeName(v));
    }
  }

  private static String pad(String s, int width, char align, char fill) {
    int n = Py.len(s);
    if (n >= width) {
      return s;
    }
    String f = String.valueOf(fill).repeat(width - n);
    switch (align) {
      case '<': return s + f;
      case '^': {
        int left = (width - n) / 2;
        return String.valueOf(fill).repeat(left) + s + String.valueOf(fill).repeat(width - n - left);
      }
      case '=':
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+' || s.charAt(0) == ' ')) {
          return s.charAt(0) + f + s.substring(1);
        }
        return f + s;
      default: return f + s;
    }
  }

  /** {@code str.format}: {@code {}}, {@code {0}}, {@code {name}}, {@code {x.attr}}, {@code !r}, and a format spec. */
  static String format(String fmt, List<Object> args, Map<String, Object> kwargs) {
    StringBuilder b = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
        b.append('{');
        i++;
      } else if (c == '}' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
        b.append('}');
        i++;
      } else if (c == '{') {
        int close = fmt.indexOf('}', i);
        if (close < 0) {
          throw new TemplateException(Kind.TYPE, 0, "Single '{' encountered in format string");
        }
        String field = fmt.substring(i + 1, close);
        String spec = "";
        int colon = field.indexOf(':');
        if (colon >= 0) {
          spec = field.substring(colon + 1);
          field = field.substring(0, colon);
        }
        char conversion = 0;
        int bang = field.indexOf('!');
        if (bang >= 0) {
          conversion = field.charAt(bang + 1);
          field = field.substring(0, bang);
        }
        String[] path = field.split("\\.", -1);
        Object v;
        if (path[0].isEmpty()) {
          v = fetch(args, auto++);
        } else if (path[0].chars().allMatch(Character::isDigit)) {
          v = fetch(args, Integer.parseInt(path[0]));
        } else {
          if (!kwargs.containsKey(path[0])) {
            throw new TemplateException(Kind.TYPE, 0, "KeyError: " + Py.repr(path[0]));
          }
          v = kwargs.get(path[0]);
        }
        for (int p = 1; p < path.length; p++) {
          v = Py.getattr(v, path[p]);
        }
        String text = conversion == 'r' ? Py.repr(v) : null;
        b.append(text != null ? text : applySpec(v, spec));
        i = close;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static Object fetch(List<Object> args, int i) {
    if (i >= args.size()) {
      throw new TemplateException(Kind.TYPE, 0, "Replacement index " + i + " out of range for positional args tuple");
    }
    return args.get(i);
  }

  private static String applySpec(Object v, String spec) {
    if (spec.isEmpty()) {
      return Py.str(v);
    }
    Matcher m = SPEC.matcher(spec);
    if (!m.matches()) {
      throw new TemplateException(Kind.UNSUPPORTED, 0, "the format spec '" + spec + "' is not supported");
    }
    char type = m.group(8) == null ? (v instanceof String ? 's' : Py.isInt(v) ? 'd' : 's') : m.group(8).charAt(0);
    Integer precision = m.group(7) == null ? null : size(m.group(7));
    String body = type == 's' && !(v instanceof String) && precision == null ? Py.str(v)
        : convert(v, type, precision, m.group(3) == null || m.group(3).equals("-") ? "" : m.group(3));
    int width = m.group(5) == null ? 0 : size(m.group(5));
    char align = m.group(2) != null ? m.group(2).charAt(0) : m.group(4) != null ? '=' : v instanceof String ? '<' : '>';
    char fill = m.group(1) != null ? m.group(1).charAt(0) : m.group(4) != null ? '0' : ' ';
    return pad(body, width, align, fill);
  }
}
