package dev.align4j.core.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for the {@code strftime_now} global (Llama 3.1 writes
 * {@code strftime_now("%d %b %Y")} into its system prompt). Covers the C89 directives plus glibc's {@code %-d} style
 * no-padding flag.
 */
final class Strftime {
  private Strftime() {}

  static String format(String fmt, ZonedDateTime t) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%' || i + 1 >= fmt.length()) {
        b.append(c);
        continue;
      }
      char d = fmt.charAt(++i);
      boolean noPad = false;
      if (d == '-' && i + 1 < fmt.length()) {
        noPad = true;
        d = fmt.charAt(++i);
      }
      b.append(directive(d, t, noPad));
    }
    return b.toString();
  }

  private static String pad(int v, int width, boolean noPad) {
    return noPad ? Integer.toString(v) : String.format("%0" + width + "d", v);
  }

  private static String directive(char d, ZonedDateTime t, boolean noPad) {
    switch (d) {
      case 'Y': return Integer.toString(t.getYear());
      case 'y': return pad(t.getYear() % 100, 2, noPad);
      case 'm': return pad(t.getMonthValue(), 2, noPad);
      case 'd': return pad(t.getDayOfMonth(), 2, noPad);
      case 'e': return String.format("%2d", t.getDayOfMonth());
      case 'H': return pad(t.getHour(), 2, noPad);
      case 'I': return pad(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, noPad);
      case 'M': return pad(t.getMinute(), 2, noPad);
      case 'S': return pad(t.getSecond(), 2, noPad);
      case 'f': return String.format("%06d", t.getNano() / 1000);
      case 'j': return pad(t.getDayOfYear(), 3, noPad);
      case 'p': return t.getHour() < 12 ? "AM" : "PM";
      case 'B': return t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      case 'b': case 'h': return t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
      case 'A': return t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      case 'a': return t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
      case 'w': return Integer.toString(t.getDayOfWeek().getValue() % 7);
      case 'u': return Integer.toString(t.getDayOfWeek().getValue());
      case 'F': return format("%Y-%m-%d", t);
      case 'D': return format("%m/%d/%y", t);
      case 'T': return format("%H:%M:%S", t);
      case 'R': return format("%H:%M", t);
      case 'Z': return t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
      case 'z': return t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", "");
      case '%': return "%";
      default: return "%" + d;
    }
  }
}
