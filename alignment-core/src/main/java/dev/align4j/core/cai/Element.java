package dev.align4j.core.cai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One element of a constitution file's tree with its JSON path, and the checks the format readers make of it. Every
 * failed check becomes a {@link ConstitutionFileException} naming the file, the element's line and column, its path,
 * what was expected and what was found.
 */
record Element(SourceFile file, String path, JsonNode node) {
  static final String ROOT = "$";
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int QUOTE_LIMIT = 60;

  /** The JSON path of {@code key} inside the object at {@code path}: {@code $.a} or, for other keys, {@code $['a b']}. */
  static String childPath(String path, String key) {
    return IDENTIFIER.matcher(key).matches() ? path + "." + key
        : path + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
  }

  /** The JSON path of element {@code index} of the array at {@code path}. */
  static String indexPath(String path, int index) {
    return path + "[" + index + "]";
  }

  /** A failure at this element. */
  ConstitutionFileException error(String problem, String remedy) {
    return error(problem, remedy, null);
  }

  /** A failure at this element that {@code cause} revealed. */
  ConstitutionFileException error(String problem, String remedy, Throwable cause) {
    return new ConstitutionFileException(file.source(), file.position(path), path, problem, remedy, cause);
  }

  /** A failure at this element: expected {@code expected}, found what this element is. */
  ConstitutionFileException expected(String expected, String remedy) {
    return error("expected " + expected + ", found " + describe(node), remedy);
  }

  /** This element as an object; fails naming {@code what} it should be otherwise. */
  Element object(String what) throws ConstitutionFileException {
    if (!node.isObject()) {
      throw expected(what, null);
    }
    return this;
  }

  /** The object's keys, in file order. */
  Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    node.properties().forEach(e -> keys.add(e.getKey()));
    return keys;
  }

  /** The object's entries, in file order. */
  Map<String, Element> fields() {
    Map<String, Element> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.put(e.getKey(), new Element(file, childPath(path, e.getKey()), e.getValue()));
    }
    return out;
  }

  /**
   * Fails on the first key of this object outside {@code allowed}: formats here ignore nothing, so that a typo such
   * as {@code critque} cannot silently lose a text.
   */
  void onlyKeys(List<String> allowed, String format) throws ConstitutionFileException {
    for (String key : keys()) {
      if (!allowed.contains(key)) {
        throw new Element(file, childPath(path, key), node.get(key)).error(
            "unknown key; expected one of " + String.join(", ", allowed),
            format + " ignores nothing: correct the key or remove it");
      }
    }
  }

  /** The value of {@code key}, or empty when the object has no such key (a key given as null is present). */
  Optional<Element> optional(String key) {
    JsonNode v = node.get(key);
    return v == null ? Optional.empty() : Optional.of(new Element(file, childPath(path, key), v));
  }

  /** The value of {@code key}; fails naming what it should be when the object lacks it. */
  Element required(String key, String what) throws ConstitutionFileException {
    Optional<Element> v = optional(key);
    if (v.isEmpty()) {
      throw expected("key \"" + key + "\" (" + what + ")", null);
    }
    return v.get();
  }

  /** This element as a string of any content, possibly empty. */
  String string() throws ConstitutionFileException {
    if (!node.isTextual()) {
      throw expected("a string", node.isNull() ? "write \"\" for an empty text" : quoteRemedy());
    }
    return node.textValue();
  }

  /** This element as a string with a non-whitespace character, as every id and text of a constitution must be. */
  String text() throws ConstitutionFileException {
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw expected("a non-blank string", node.isNull() || node.isTextual() && node.textValue().isBlank()
          ? "remove the key to leave the text out" : quoteRemedy());
    }
    return node.textValue();
  }

  /** YAML reads {@code id: 12} or {@code critique: yes} as a number or a boolean: say how to keep it a string. */
  private String quoteRemedy() {
    return node.isNumber() || node.isBoolean() ? "put the value in quotes to make it a string" : null;
  }

  /** This element's items; fails naming what it should be when it is not an array. */
  List<Element> items(String what) throws ConstitutionFileException {
    if (!node.isArray()) {
      throw expected(what, null);
    }
    List<Element> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new Element(file, indexPath(path, i), node.get(i)));
    }
    return out;
  }

  /** What a value is, for "found ...": its type, and its text up to a limit. */
  static String describe(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      String t = v.textValue();
      if (t.isBlank()) {
        return t.isEmpty() ? "an empty string" : "a blank string";
      }
      return "the string " + quote(t);
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    if (v.isBoolean()) {
      return "the boolean " + v.asText();
    }
    if (v.isObject()) {
      List<String> keys = v.properties().stream().map(Map.Entry::getKey).toList();
      return keys.isEmpty() ? "an empty object" : "an object with keys " + keys;
    }
    if (v.isArray()) {
      return v.isEmpty() ? "an empty array" : "an array of " + v.size() + (v.size() == 1 ? " item" : " items");
    }
    return v.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static String quote(String t) {
    String shown = t.codePointCount(0, t.length()) <= QUOTE_LIMIT ? t
        : t.substring(0, t.offsetByCodePoints(0, QUOTE_LIMIT)) + "...";
    return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
