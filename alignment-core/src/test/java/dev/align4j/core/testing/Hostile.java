package dev.align4j.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded damage to a valid JSON or YAML document, for the parser fuzz properties ({@code *FuzzProperties}): each call
 * applies one of byte-level damage (a flipped byte, a cut, a deleted or duplicated span, bytes that are not UTF-8, a
 * byte-order mark, NUL bytes) or structural damage (a value replaced by a hostile one, a key deleted or repeated,
 * nesting deeper than Jackson's limit, a very long string), or, on a JSON document, one element retyped
 * ({@link #retype}). The same seed gives the same damage, so jqwik's shrinking
 * and reported seed reproduce a failure.
 */
public final class Hostile {
  /** Values that break a field's type, range or the parser: nulls, wrong types, extreme numbers, odd strings. */
  public static final String[] VALUES = {"null", "true", "false", "-0", "0", "-1", "1.5", "1e400", "-1e400", "NaN",
      "Infinity", "2147483648", "-9223372036854775809", "12345678901234567890123456789", "\"\"", "\" \"",
      "\"\\ud800\"", "\"\\u0000\"", "\"\\\"\"", "[]", "{}", "[null]", "[1, \"a\", null]", "{\"content\": null}",
      "{\"content\": 1}", "[[[[[[[[[[]]]]]]]]]]", "\"" + "x".repeat(5000) + "\"", "\"{{ x }}\"", "\"{%\"",
      "\"(a+)+$\"", "\"[\"", "\"all-linear\"", "\"LORA\""};

  /** Jackson's default nesting limit ({@code StreamReadConstraints.DEFAULT_MAX_DEPTH}), for nesting just past it. */
  public static final int JACKSON_MAX_DEPTH = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern KEY = Pattern.compile("\"([^\"\\\\]{1,40})\"\\s*:");

  private Hostile() {}

  /**
   * {@code text} damaged {@code times} times, each damage drawn from {@code rnd}. When the text is JSON, half the time
   * the first damage is {@link #retype}, which keeps the document well-formed so that the reader's checks of each
   * field, not only its parser, are reached.
   */
  public static byte[] damage(String text, Random rnd, int times) {
    int bytewise = times;
    if (rnd.nextBoolean()) {
      try {
        text = retype(text, rnd);
        bytewise--;
      } catch (IOException notJson) {
        // YAML or broken text: byte damage only
      }
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytewise; i++) {
      b = damage(b, rnd);
    }
    return b;
  }

  /**
   * One element of the JSON document {@code json}, chosen at random among all its object fields and array items,
   * replaced by a {@link #VALUES hostile value} (of another type, null, extreme), removed, or, for a field, repeated
   * under a key that differs only in case or with {@code _} for {@code -}; the result is well-formed JSON.
   *
   * @throws IOException when {@code json} is not JSON
   */
  public static String retype(String json, Random rnd) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isContainerNode()) {
      throw new IOException("not a JSON object or array");
    }
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    containers.removeIf(c -> c.isEmpty());
    if (containers.isEmpty()) {
      return json;
    }
    JsonNode c = containers.get(rnd.nextInt(containers.size()));
    int action = rnd.nextInt(8);
    if (c instanceof ObjectNode o) {
      List<String> keys = new ArrayList<>();
      o.properties().forEach(e -> keys.add(e.getKey()));
      String key = keys.get(rnd.nextInt(keys.size()));
      switch (action) {
        case 0 -> o.remove(key);
        case 1 -> o.set(key.toUpperCase(java.util.Locale.ROOT).equals(key) ? key + "_" : key.toUpperCase(
            java.util.Locale.ROOT), o.get(key));
        case 2 -> o.set(key.contains("_") ? key.replace('_', '-') : key.replace('-', '_') + "_", o.get(key));
        default -> o.set(key, hostileNode(rnd));
      }
    } else if (c instanceof ArrayNode a) {
      int i = rnd.nextInt(a.size());
      switch (action) {
        case 0 -> a.remove(i);
        case 1 -> a.add(a.get(i).deepCopy());
        default -> a.set(i, hostileNode(rnd));
      }
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(child -> collect(child, out));
    }
  }

  private static JsonNode hostileNode(Random rnd) {
    String v = pick(VALUES, rnd);
    try {
      return JSON.readTree(v);
    } catch (IOException notJson) {
      return JSON.getNodeFactory().textNode(v);     // NaN, Infinity: JSON has no such number, so their text
    }
  }

  /** One seeded damage of {@code b}. */
  public static byte[] damage(byte[] b, Random rnd) {
    int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    switch (rnd.nextInt(13)) {
      case 0 -> {
        byte[] c = b.clone();
        if (c.length > 0) {
          c[at] = (byte) rnd.nextInt(256);
        }
        return c;
      }
      case 1 -> {
        return Arrays.copyOf(b, at);
      }
      case 2 -> {
        int len = Math.min(b.length - at, 1 + rnd.nextInt(12));
        o.write(b, 0, at);
        o.write(b, at + len, b.length - at - len);
      }
      case 3 -> {
        o.write(b, 0, at);
        for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
          o.write(0x80 + rnd.nextInt(128));       // continuation and lead bytes out of place: not UTF-8
        }
        o.write(b, at, b.length - at);
      }
      case 4 -> {
        int len = Math.min(b.length - at, 1 + rnd.nextInt(40));
        o.write(b, 0, at + len);
        o.write(b, at, b.length - at);
      }
      case 5 -> {
        // a byte-order mark: at the start (allowed by most readers), or in the middle (it is then U+FEFF text)
        int where = rnd.nextBoolean() ? 0 : at;
        o.write(b, 0, where);
        o.write(0xef);
        o.write(0xbb);
        o.write(0xbf);
        o.write(b, where, b.length - where);
      }
      case 6 -> {
        o.write(b, 0, at);
        for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
          o.write(0);
        }
        o.write(b, at, b.length - at);
      }
      case 7 -> {
        // a key repeated with another value in the same object
        String s = text(b);
        Matcher m = KEY.matcher(s);
        if (!m.find(Math.min(at, s.length())) && !m.find(0)) {
          return b;
        }
        return (s.substring(0, m.start()) + m.group() + " " + pick(VALUES, rnd) + ", " + s.substring(m.start()))
            .getBytes(StandardCharsets.UTF_8);
      }
      case 8 -> {
        // a key deleted with its value (up to the next comma or closing brace, which may leave the value's rest)
        String s = text(b);
        Matcher m = KEY.matcher(s);
        if (!m.find(Math.min(at, s.length())) && !m.find(0)) {
          return b;
        }
        int end = m.end();
        while (end < s.length() && ",}\n".indexOf(s.charAt(end)) < 0) {
          end++;
        }
        if (end < s.length() && s.charAt(end) == ',') {
          end++;
        }
        return (s.substring(0, m.start()) + s.substring(end)).getBytes(StandardCharsets.UTF_8);
      }
      case 9 -> {
        // nesting around a value, either just within Jackson's limit or past it
        int depth = rnd.nextBoolean() ? JACKSON_MAX_DEPTH - 10 : JACKSON_MAX_DEPTH + 1 + rnd.nextInt(200);
        return replaceValue(b, at, "[".repeat(depth) + "]".repeat(depth), rnd);
      }
      case 10 -> {
        // a long string value on a long line: 4 KiB to 64 KiB, enough to pass any buffer and cheap enough for
        // 1,000 tries of SnakeYAML, whose time grows with the square of a line's length (each property tests its
        // parser's longest line separately)
        int len = 1 << (12 + rnd.nextInt(5));
        return replaceValue(b, at, "\"" + "y".repeat(len) + "\"", rnd);
      }
      default -> {
        return replaceValue(b, at, pick(VALUES, rnd), rnd);
      }
    }
    return o.toByteArray();
  }

  /** The value after the first {@code :} at or after {@code at} replaced by {@code value}, keeping the rest. */
  private static byte[] replaceValue(byte[] b, int at, String value, Random rnd) {
    String s = text(b);
    int colon = s.indexOf(':', Math.min(at, s.length()));
    if (colon < 0) {
      colon = s.indexOf(':');
    }
    if (colon < 0) {
      return (s + value).getBytes(StandardCharsets.UTF_8);
    }
    int end = colon + 1;
    while (end < s.length() && ",}\n".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    return (s.substring(0, colon + 1) + " " + value + s.substring(end)).getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes as text, undecodable bytes as U+FFFD: the structural damages need only find keys and colons. */
  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String pick(String[] values, Random rnd) {
    return values[rnd.nextInt(values.length)];
  }

  /** The 1-based number of lines in {@code b} (a final line without a newline counts). */
  public static int lineCount(byte[] b) {
    int n = 1;
    for (byte x : b) {
      n += x == '\n' ? 1 : 0;
    }
    return n;
  }
}
