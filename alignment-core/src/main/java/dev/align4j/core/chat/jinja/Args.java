package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Binds Python call arguments (positional, then keyword) to parameter names, as a Python signature would. */
final class Args {
  private final String function;
  private final List<Object> args;
  private final Map<String, Object> kwargs;

  Args(String function, List<Object> args, Map<String, Object> kwargs, int maxPositional) {
    this.function = function;
    this.args = args;
    this.kwargs = kwargs;
    if (args.size() > maxPositional) {
      throw new TemplateException(Kind.TYPE, 0, function + "() takes at most " + maxPositional
          + " positional argument" + (maxPositional == 1 ? "" : "s") + " (" + args.size() + " given)");
    }
  }

  /** The argument at position {@code i} or named {@code name}; {@code dflt} when absent. */
  Object get(int i, String name, Object dflt) {
    if (i < args.size()) {
      return args.get(i);
    }
    return kwargs.containsKey(name) ? kwargs.get(name) : dflt;
  }

  Object required(int i, String name) {
    if (i >= args.size() && !kwargs.containsKey(name)) {
      throw new TemplateException(Kind.TYPE, 0, function + "() missing required argument '" + name + "'");
    }
    return get(i, name, null);
  }

  String string(int i, String name, String dflt) {
    Object v = get(i, name, dflt);
    if (v != null && !(v instanceof String)) {
      throw new TemplateException(Kind.TYPE, 0, function + "() argument '" + name + "' must be str, not "
          + Py.typeName(v));
    }
    return (String) v;
  }

  long integer(int i, String name, long dflt) {
    Object v = get(i, name, dflt);
    if (!Py.isInt(v) && !(v instanceof Boolean)) {
      throw new TemplateException(Kind.TYPE, 0, function + "() argument '" + name + "' must be int, not "
          + Py.typeName(v));
    }
    // saturated, not wrapped: 10 ** 20 is a very large count, never a negative one
    BigInteger b = Py.toBig(v);
    return b.bitLength() < 64 ? b.longValue() : b.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
  }

  boolean bool(int i, String name, boolean dflt) {
    return Py.truthy(get(i, name, dflt));
  }

  int size() {
    return args.size();
  }
}
