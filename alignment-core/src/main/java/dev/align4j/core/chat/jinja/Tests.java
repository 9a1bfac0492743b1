package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.Environment.Test;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** jinja2's built-in tests ({@code is defined}, {@code is none}, {@code is string}, ...), after jinja2/tests.py. */
final class Tests {
  private static final Set<String> JINJA_BUILTINS = Set.of("odd", "even", "divisibleby", "defined", "undefined",
      "filter", "test", "none", "boolean", "false", "true", "integer", "float", "lower", "upper", "string", "mapping",
      "number", "sequence", "iterable", "callable", "sameas", "escaped", "in", "==", "eq", "equalto", "!=", "ne", ">",
      "gt", "greaterthan", ">=", "ge", "<", "lt", "lessthan", "<=", "le");

  private Tests() {}

  static boolean isJinjaBuiltin(String name) {
    return JINJA_BUILTINS.contains(name);
  }

  private static Object arg(List<Object> args, Map<String, Object> kwargs, String name) {
    return new Args(name, args, kwargs, 1).required(0, "other");
  }

  static void registerBuiltins(Map<String, Test> t) {
    t.put("defined", (v, a, k, e) -> !(v instanceof Undefined));
    t.put("undefined", (v, a, k, e) -> v instanceof Undefined);
    t.put("none", (v, a, k, e) -> v == null);
    t.put("boolean", (v, a, k, e) -> v instanceof Boolean);
    t.put("false", (v, a, k, e) -> Boolean.FALSE.equals(v));
    t.put("true", (v, a, k, e) -> Boolean.TRUE.equals(v));
    t.put("integer", (v, a, k, e) -> Py.isInt(v));
    t.put("float", (v, a, k, e) -> v instanceof Double);
    t.put("number", (v, a, k, e) -> Py.isNumber(v));
    t.put("string", (v, a, k, e) -> v instanceof String);
    t.put("mapping", (v, a, k, e) -> v instanceof Map);
    // Python: str, list, tuple, dict and jinja2's Undefined all have __len__ and __getitem__ / __iter__
    t.put("sequence", (v, a, k, e) -> v instanceof String || v instanceof List || v instanceof Map
        || v instanceof Undefined);
    t.put("iterable", (v, a, k, e) -> v instanceof String || v instanceof List || v instanceof Map
        || v instanceof Undefined);
    t.put("callable", (v, a, k, e) -> v instanceof JinjaCallable);
    t.put("sameas", (v, a, k, e) -> {
      Object o = arg(a, k, "sameas");
      return v == o || (v instanceof Boolean && v.equals(o));
    });
    t.put("escaped", (v, a, k, e) -> false);
    t.put("odd", (v, a, k, e) -> Py.toBig(Py.arithmetic("%", v, 2L)).signum() != 0);
    t.put("even", (v, a, k, e) -> Py.toBig(Py.arithmetic("%", v, 2L)).signum() == 0);
    t.put("divisibleby", (v, a, k, e) -> Py.truthy(Py.arithmetic("%", v, arg(a, k, "divisibleby"))) == false);
    t.put("lower", (v, a, k, e) -> (Boolean) PyMethods.call(Py.str(v), "islower", List.of(), Map.of()));
    t.put("upper", (v, a, k, e) -> (Boolean) PyMethods.call(Py.str(v), "isupper", List.of(), Map.of()));
    t.put("filter", (v, a, k, e) -> v instanceof String && e.hasFilter((String) v));
    t.put("test", (v, a, k, e) -> v instanceof String && e.hasTest((String) v));
    t.put("in", (v, a, k, e) -> Py.contains(arg(a, k, "in"), v));
    Test eq = (v, a, k, e) -> Py.eq(v, arg(a, k, "eq"));
    Test ne = (v, a, k, e) -> !Py.eq(v, arg(a, k, "ne"));
    Test lt = (v, a, k, e) -> Py.order(v, arg(a, k, "lt"), "<") < 0;
    Test le = (v, a, k, e) -> Py.order(v, arg(a, k, "le"), "<=") <= 0;
    Test gt = (v, a, k, e) -> Py.order(v, arg(a, k, "gt"), ">") > 0;
    Test ge = (v, a, k, e) -> Py.order(v, arg(a, k, "ge"), ">=") >= 0;
    for (String n : new String[] {"==", "eq", "equalto"}) {
      t.put(n, eq);
    }
    for (String n : new String[] {"!=", "ne"}) {
      t.put(n, ne);
    }
    for (String n : new String[] {"<", "lt", "lessthan"}) {
      t.put(n, lt);
    }
    for (String n : new String[] {"<=", "le"}) {
      t.put(n, le);
    }
    for (String n : new String[] {">", "gt", "greaterthan"}) {
      t.put(n, gt);
    }
    for (String n : new String[] {">=", "ge"}) {
      t.put(n, ge);
    }
  }
}
