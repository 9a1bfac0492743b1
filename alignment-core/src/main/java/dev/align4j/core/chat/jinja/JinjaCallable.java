package dev.align4j.core.chat.jinja;

import java.util.List;
import java.util.Map;

/** Something a template can call: a global function, a macro, a bound method, {@code loop.cycle}. */
@FunctionalInterface
public interface JinjaCallable {
  /**
   * Calls with Python-style arguments.
   *
   * @param args positional arguments
   * @param kwargs keyword arguments, in call order
   * @return the result (a template value)
   */
  Object call(List<Object> args, Map<String, Object> kwargs);
}
