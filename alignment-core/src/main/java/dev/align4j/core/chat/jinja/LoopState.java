package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.util.List;

/** jinja2's {@code loop} variable inside a for loop: index, index0, first, last, length, previtem, cycle, ... */
final class LoopState {
  private final List<Object> items;
  private int index0;
  private Object lastChanged = new Object();

  LoopState(List<Object> items) {
    this.items = items;
  }

  void advance(int i) {
    index0 = i;
  }

  Object attribute(String name) {
    int n = items.size();
    switch (name) {
      case "index": return (long) index0 + 1;
      case "index0": return (long) index0;
      case "revindex": return (long) (n - index0);
      case "revindex0": return (long) (n - index0 - 1);
      case "first": return index0 == 0;
      case "last": return index0 == n - 1;
      case "length": return (long) n;
      case "depth": return 1L;
      case "depth0": return 0L;
      case "previtem":
        return index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item", false);
      case "nextitem":
        return index0 < n - 1 ? items.get(index0 + 1) : new Undefined("there is no next item", false);
      case "cycle":
        return (JinjaCallable) (args, kwargs) -> {
          if (args.isEmpty()) {
            throw new TemplateException(Kind.TYPE, 0, "no items for cycling given");
          }
          return args.get(index0 % args.size());
        };
      case "changed":
        return (JinjaCallable) (args, kwargs) -> {
          Object now = new PyTuple(args);
          if (!Py.eq(now, lastChanged)) {
            lastChanged = now;
            return true;
          }
          return false;
        };
      default:
        return Undefined.noAttribute(this, name);
    }
  }

  @Override
  public String toString() {
    return "<LoopContext " + (index0 + 1) + "/" + items.size() + ">";
  }
}
