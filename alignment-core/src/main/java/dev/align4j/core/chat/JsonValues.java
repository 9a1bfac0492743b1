package dev.align4j.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed JSON into template values the way Python's {@code json.load} does: objects keep their key order,
 * integers stay integers (arbitrarily large), numbers with a fraction or exponent become floats.
 */
public final class JsonValues {
  private JsonValues() {}

  /** The template value of {@code node}: null, Boolean, Long or BigInteger, Double, String, List or Map. */
  public static Object toValue(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isArray()) {
      List<Object> l = new ArrayList<>();
      node.forEach(n -> l.add(toValue(n)));
      return l;
    }
    if (node.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        m.put(e.getKey(), toValue(e.getValue()));
      }
      return m;
    }
    throw new IllegalArgumentException("unsupported JSON node type " + node.getNodeType());
  }
}
