package dev.align4j.core.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One line of a conformance file, with typed accessors that fail with a {@link CaseFormatException} naming the field.
 *
 * @param file the file as the user named it
 * @param line 1-based line number
 * @param id the case id
 * @param op the op name
 * @param node the whole JSON object
 */
public record ConformanceCase(String file, int line, String id, String op, JsonNode node) {
  /** Default tolerances of the format. */
  public static final double DEFAULT_RTOL = 1e-5;
  public static final double DEFAULT_ATOL = 1e-6;

  double rtol() {
    return number(node, "rtol", DEFAULT_RTOL);
  }

  double atol() {
    return number(node, "atol", DEFAULT_ATOL);
  }

  // ---- params ----

  JsonNode param(String name) {
    JsonNode params = node.get("params");
    if (params == null || !params.isObject()) {
      throw new CaseFormatException("params", "missing required object field 'params'");
    }
    JsonNode v = params.get(name);
    if (v == null) {
      throw new CaseFormatException("params." + name, "missing required parameter");
    }
    return v;
  }

  boolean hasParam(String name) {
    JsonNode params = node.get("params");
    return params != null && params.has(name) && !params.get(name).isNull();
  }

  double doubleParam(String name) {
    JsonNode v = param(name);
    if (!v.isNumber()) {
      throw new CaseFormatException("params." + name, "expected a number, got " + v);
    }
    return v.asDouble();
  }

  /** A number or {@code null}; {@code null} (or absence, for optional parameters) gives {@code Double.NaN}. */
  double nullableDoubleParam(String name, boolean required) {
    JsonNode params = node.get("params");
    JsonNode v = params == null ? null : params.get(name);
    if (v == null) {
      if (required) {
        throw new CaseFormatException("params." + name, "missing required parameter (null means off)");
      }
      return Double.NaN;
    }
    if (v.isNull()) {
      return Double.NaN;
    }
    if (!v.isNumber()) {
      throw new CaseFormatException("params." + name, "expected a number or null, got " + v);
    }
    return v.asDouble();
  }

  int intParam(String name) {
    JsonNode v = param(name);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new CaseFormatException("params." + name, "expected an integer, got " + v);
    }
    return v.asInt();
  }

  boolean boolParam(String name) {
    JsonNode v = param(name);
    if (!v.isBoolean()) {
      throw new CaseFormatException("params." + name, "expected true or false, got " + v);
    }
    return v.asBoolean();
  }

  String stringParam(String name) {
    JsonNode v = param(name);
    if (!v.isTextual()) {
      throw new CaseFormatException("params." + name, "expected a string, got " + v);
    }
    return v.asText();
  }

  /** Maps a string parameter through {@code choices}, failing with the allowed values. */
  <T> T choiceParam(String name, Map<String, T> choices) {
    String s = stringParam(name);
    T t = choices.get(s);
    if (t == null) {
      throw new CaseFormatException("params." + name,
          "unknown value '" + s + "'; expected one of " + choices.keySet());
    }
    return t;
  }

  // ---- inputs and expected ----

  boolean hasInput(String name) {
    JsonNode inputs = node.get("inputs");
    return inputs != null && inputs.has(name) && !inputs.get(name).isNull();
  }

  Tensor input(String name) {
    JsonNode inputs = node.get("inputs");
    if (inputs == null || !inputs.isObject()) {
      throw new CaseFormatException("inputs", "missing required object field 'inputs'");
    }
    JsonNode v = inputs.get(name);
    if (v == null || v.isNull()) {
      throw new CaseFormatException("inputs." + name, "missing required input");
    }
    return parseTensor(v, "inputs." + name);
  }

  /** An input that must have the given rank. */
  Tensor input(String name, int rank) {
    Tensor t = input(name);
    if (t.rank() != rank) {
      throw new CaseFormatException("inputs." + name,
          "expected a rank-" + rank + " array, got shape " + java.util.Arrays.toString(t.shape()));
    }
    return t;
  }

  /** The expected fields in file order. */
  List<String> expectedFields() {
    JsonNode expected = node.get("expected");
    if (expected == null || !expected.isObject() || expected.isEmpty()) {
      throw new CaseFormatException("expected", "missing required non-empty object field 'expected'");
    }
    List<String> names = new ArrayList<>();
    expected.fieldNames().forEachRemaining(names::add);
    return names;
  }

  Tensor expected(String name) {
    return parseTensor(node.get("expected").get(name), "expected." + name);
  }

  // ---- parsing ----

  static Tensor parseTensor(JsonNode v, String field) {
    List<Integer> shape = new ArrayList<>();
    JsonNode probe = v;
    while (probe.isArray()) {
      shape.add(probe.size());
      if (probe.isEmpty()) {
        break;
      }
      probe = probe.get(0);
    }
    int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new CaseFormatException(field, "array too large");
    }
    double[] data = new double[(int) n];
    int[] pos = {0};
    fill(v, 0, dims, data, pos, field);
    return new Tensor(data, dims);
  }

  private static void fill(JsonNode v, int depth, int[] dims, double[] out, int[] pos, String field) {
    if (depth == dims.length) {
      if (!v.isNumber()) {
        throw new CaseFormatException(field, "expected a number at depth " + depth + ", got " + v);
      }
      out[pos[0]++] = v.asDouble();
      return;
    }
    if (!v.isArray() || v.size() != dims[depth]) {
      throw new CaseFormatException(field, "ragged or malformed array: expected " + dims[depth]
          + " elements at depth " + depth + ", got " + (v.isArray() ? v.size() + " elements" : v.toString()));
    }
    for (JsonNode e : v) {
      fill(e, depth + 1, dims, out, pos, field);
    }
  }

  private static double number(JsonNode node, String name, double dflt) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw new CaseFormatException(name, "expected a number, got " + v);
    }
    return v.asDouble();
  }
}
