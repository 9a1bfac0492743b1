package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.Ast.Expr;
import dev.align4j.core.chat.jinja.Ast.Stmt;
import dev.align4j.core.chat.jinja.Ast.Target;
import dev.align4j.core.chat.jinja.TemplateException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a parsed template once. Scoping follows jinja2: every for-loop iteration and every macro call gets a fresh
 * scope whose assignments vanish when it ends (hence {@code namespace()} in real templates), while {@code if} blocks
 * assign into the enclosing scope. Every block, expression, filter, loop step and write is charged to a
 * {@link RenderBudget}, so a hostile template ends in a {@link TemplateException.Kind#LIMIT} error, not a hang.
 */
final class Renderer {
  private enum Flow { NORMAL, BREAK, CONTINUE }

  /** A variable scope; lookups fall back to the parent, assignments stay here. */
  private static final class Scope {
    final Scope parent;
    final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
      this.parent = parent;
    }

    boolean has(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) {
          return true;
        }
      }
      return false;
    }

    Object get(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) {
          return s.vars.get(name);
        }
      }
      return null;
    }
  }

  private final Environment env;
  private final Scope top;
  private final StringBuilder root = new StringBuilder();
  private final List<Rendered.Span> spans = new ArrayList<>();
  private final RenderBudget budget;
  private int loopDepth;
  /** The line of the statement or expression most recently entered, for a {@link StackOverflowError}. */
  private int line;

  Renderer(Environment env, Map<String, ?> variables) {
    this.env = env;
    this.budget = new RenderBudget(env.limits());
    Scope globals = new Scope(null);
    globals.vars.putAll(env.globals());
    Scope context = new Scope(globals);
    variables.forEach((k, v) -> context.vars.put(k, v));
    this.top = new Scope(context);
  }

  Rendered run(List<Stmt> body) {
    RenderBudget previous = budget.open();
    try {
      exec(body, top, root);
    } catch (StackOverflowError e) {
      // the depth limit should fire first; this catches what it does not count, e.g. the repr of a list nested
      // 100,000 deep by a loop, or a thread whose stack is too small for maxDepth
      throw budget.stackOverflow(line);
    } finally {
      RenderBudget.close(previous);
    }
    return new Rendered(root.toString(), spans);
  }

  // ---- statements ----

  private Flow exec(List<Stmt> body, Scope scope, StringBuilder out) {
    if (body.isEmpty()) {
      return Flow.NORMAL;
    }
    budget.enter(body.get(0).line());
    try {
      for (Stmt s : body) {
        line = s.line();
        budget.tick(line);
        Flow f;
        try {
          f = execOne(s, scope, out);
        } catch (TemplateException e) {
          throw e.atLine(s.line());
        }
        if (f != Flow.NORMAL) {
          return f;
        }
      }
      return Flow.NORMAL;
    } finally {
      budget.exit();
    }
  }

  /** Appends to {@code out} unless that would make it longer than {@code maxOutputChars}. */
  private void write(StringBuilder out, CharSequence text, int at) {
    budget.output(out.length() + text.length(), at);
    out.append(text);
  }

  private Flow execOne(Stmt s, Scope scope, StringBuilder out) {
    if (s instanceof Ast.Text) {
      write(out, ((Ast.Text) s).data(), s.line());
    } else if (s instanceof Ast.Print) {
      write(out, Py.str(eval(((Ast.Print) s).expr(), scope)), s.line());
    } else if (s instanceof Ast.If) {
      Ast.If i = (Ast.If) s;
      for (Ast.Branch b : i.branches()) {
        if (Py.truthy(eval(b.test(), scope))) {
          return exec(b.body(), scope, out);
        }
      }
      return exec(i.orElse(), scope, out);
    } else if (s instanceof Ast.For) {
      execFor((Ast.For) s, scope, out);
    } else if (s instanceof Ast.Set) {
      Ast.Set set = (Ast.Set) s;
      assign(set.target(), eval(set.value(), scope), scope);
    } else if (s instanceof Ast.SetBlock) {
      Ast.SetBlock sb = (Ast.SetBlock) s;
      StringBuilder buf = new StringBuilder();
      exec(sb.body(), new Scope(scope), buf);
      Object v = sb.filter() == null ? buf.toString() : applyFilters(sb.filter(), buf.toString(), scope);
      assign(sb.target(), v, scope);
    } else if (s instanceof Ast.MacroDef) {
      Ast.MacroDef m = (Ast.MacroDef) s;
      scope.vars.put(m.name(), new Macro(m.name(), m.params(), m.defaults(), m.body(), scope));
    } else if (s instanceof Ast.CallBlock) {
      Ast.CallBlock cb = (Ast.CallBlock) s;
      Macro caller = new Macro("caller", cb.params(), cb.defaults(), cb.body(), scope);
      write(out, Py.str(call(cb.call(), scope, caller)), s.line());
    } else if (s instanceof Ast.FilterBlock) {
      Ast.FilterBlock fb = (Ast.FilterBlock) s;
      StringBuilder buf = new StringBuilder();
      exec(fb.body(), new Scope(scope), buf);
      write(out, Py.str(applyFilters(fb.filter(), buf.toString(), scope)), s.line());
    } else if (s instanceof Ast.With) {
      Ast.With w = (Ast.With) s;
      Scope inner = new Scope(scope);
      for (int k = 0; k < w.targets().size(); k++) {
        assign(w.targets().get(k), eval(w.values().get(k), scope), inner);
      }
      return exec(w.body(), inner, out);
    } else if (s instanceof Ast.Generation) {
      // transformers' AssistantTracker renders the body through caller() and records
      // (len(everything yielded so far), + len(body)); rendering into a buffer first gives the same numbers
      StringBuilder buf = new StringBuilder();
      Flow f = exec(((Ast.Generation) s).body(), scope, buf);
      int start = root.length();
      spans.add(new Rendered.Span(start, start + buf.length()));
      write(out, buf, s.line());
      return f;
    } else if (s instanceof Ast.Break || s instanceof Ast.Continue) {
      if (loopDepth == 0) {
        throw new TemplateException(Kind.SYNTAX, s.line(), "'" + (s instanceof Ast.Break ? "break" : "continue")
            + "' outside loop");
      }
      return s instanceof Ast.Break ? Flow.BREAK : Flow.CONTINUE;
    } else {
      throw new TemplateException(Kind.UNSUPPORTED, s.line(), "unsupported statement " + s);
    }
    return Flow.NORMAL;
  }

  private void execFor(Ast.For f, Scope scope, StringBuilder out) {
    Object iterable = eval(f.iter(), scope);
    List<Object> items = Py.iterate(iterable);
    if (f.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        budget.loopStep(f.line());
        Scope probe = new Scope(scope);
        assign(f.target(), item, probe);
        if (Py.truthy(eval(f.filter(), probe))) {
          kept.add(item);
        }
      }
      items = kept;
    }
    if (items.isEmpty()) {
      exec(f.orElse(), scope, out);
      return;
    }
    LoopState loop = new LoopState(items);
    loopDepth++;
    try {
      for (int i = 0; i < items.size(); i++) {
        budget.loopStep(f.line());
        Scope iter = new Scope(scope);
        loop.advance(i);
        iter.vars.put("loop", loop);
        assign(f.target(), items.get(i), iter);
        if (exec(f.body(), iter, out) == Flow.BREAK) {
          break;
        }
      }
    } finally {
      loopDepth--;
    }
  }

  private void assign(Target t, Object value, Scope scope) {
    if (t instanceof Ast.NameTarget) {
      scope.vars.put(((Ast.NameTarget) t).name(), value);
    } else if (t instanceof Ast.NamespaceTarget) {
      Ast.NamespaceTarget nt = (Ast.NamespaceTarget) t;
      Object ns = scope.get(nt.name());
      if (!(ns instanceof Namespace)) {
        throw new TemplateException(Kind.TYPE, 0, "cannot assign attribute on non-namespace object");
      }
      ((Namespace) ns).attrs.put(nt.attr(), value);
    } else {
      List<Target> targets = ((Ast.TupleTarget) t).items();
      List<Object> values = Py.iterate(value);
      if (values.size() != targets.size()) {
        throw new TemplateException(Kind.TYPE, 0, values.size() > targets.size()
            ? "too many values to unpack (expected " + targets.size() + ")"
            : "not enough values to unpack (expected " + targets.size() + ", got " + values.size() + ")");
      }
      for (int i = 0; i < targets.size(); i++) {
        assign(targets.get(i), values.get(i), scope);
      }
    }
  }

  /** A {@code {% macro %}}: called with Python arguments, renders its body in a fresh scope, returns the text. */
  private final class Macro implements JinjaCallable {
    private final String name;
    private final List<String> params;
    private final List<Expr> defaults;
    private final List<Stmt> body;
    private final Scope closure;

    Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body, Scope closure) {
      this.name = name;
      this.params = params;
      this.defaults = defaults;
      this.body = body;
      this.closure = closure;
    }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
      Scope s = new Scope(closure);
      Map<String, Object> extra = new LinkedHashMap<>(kwargs);
      int firstDefault = params.size() - defaults.size();
      for (int i = 0; i < params.size(); i++) {
        String p = params.get(i);
        if (i < args.size()) {
          s.vars.put(p, args.get(i));
        } else if (extra.containsKey(p)) {
          s.vars.put(p, extra.remove(p));
        } else if (i >= firstDefault) {
          s.vars.put(p, eval(defaults.get(i - firstDefault), s));
        } else {
          s.vars.put(p, new Undefined("parameter '" + p + "' was not provided", false));
        }
      }
      if (extra.containsKey("caller")) {
        s.vars.put("caller", extra.remove("caller"));
      }
      s.vars.put("varargs", new PyTuple(args.size() > params.size() ? args.subList(params.size(), args.size())
          : List.of()));
      s.vars.put("kwargs", extra);
      StringBuilder buf = new StringBuilder();
      int saved = loopDepth;
      loopDepth = 0;
      try {
        exec(body, s, buf);
      } finally {
        loopDepth = saved;
      }
      return buf.toString();
    }

    @Override
    public String toString() {
      return "<Macro '" + name + "'>";
    }
  }

  // ---- expressions ----

  private Object eval(Expr e, Scope scope) {
    line = e.line();
    budget.enter(line);
    try {
      Object v = evalInner(e, scope);
      if (v instanceof String) {
        budget.output(((String) v).length(), e.line());
      }
      return v;
    } catch (TemplateException ex) {
      throw ex.atLine(e.line());
    } finally {
      budget.exit();
    }
  }

  private Object evalInner(Expr e, Scope scope) {
    if (e instanceof Expr.Const) {
      return ((Expr.Const) e).value();
    }
    if (e instanceof Expr.Name) {
      String n = ((Expr.Name) e).name();
      return scope.has(n) ? scope.get(n) : Undefined.named(n);
    }
    if (e instanceof Expr.ListLit) {
      List<Object> r = new ArrayList<>();
      for (Expr x : ((Expr.ListLit) e).items()) {
        r.add(eval(x, scope));
      }
      return r;
    }
    if (e instanceof Expr.TupleLit) {
      List<Object> r = new ArrayList<>();
      for (Expr x : ((Expr.TupleLit) e).items()) {
        r.add(eval(x, scope));
      }
      return new PyTuple(r);
    }
    if (e instanceof Expr.DictLit) {
      Expr.DictLit d = (Expr.DictLit) e;
      Map<Object, Object> r = new LinkedHashMap<>();
      for (int i = 0; i < d.keys().size(); i++) {
        r.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
      }
      return r;
    }
    if (e instanceof Expr.GetAttr) {
      Expr.GetAttr g = (Expr.GetAttr) e;
      Object subject = defined(eval(g.subject(), scope));
      return Py.getattr(subject, g.attr());
    }
    if (e instanceof Expr.GetItem) {
      Expr.GetItem g = (Expr.GetItem) e;
      Object subject = defined(eval(g.subject(), scope));
      if (g.key() instanceof Expr.Slice) {
        Expr.Slice sl = (Expr.Slice) g.key();
        return Py.slice(subject, optional(sl.start(), scope), optional(sl.stop(), scope), optional(sl.step(), scope));
      }
      return Py.getitem(subject, eval(g.key(), scope));
    }
    if (e instanceof Expr.Call) {
      return call((Expr.Call) e, scope, null);
    }
    if (e instanceof Expr.Filter) {
      Expr.Filter f = (Expr.Filter) e;
      return applyFilters(f, null, scope);
    }
    if (e instanceof Expr.Test) {
      Expr.Test t = (Expr.Test) e;
      Environment.Test test = env.test(t.name());
      if (test == null) {
        throw new TemplateException(Tests.isJinjaBuiltin(t.name()) ? Kind.UNSUPPORTED : Kind.SYNTAX, t.line(),
            "No test named '" + t.name() + "'.");
      }
      Object subject = eval(t.subject(), scope);
      return test.apply(subject, evalArgs(t.args(), scope), evalKwargs(t.kwargs(), scope), env);
    }
    if (e instanceof Expr.Not) {
      return !Py.truthy(eval(((Expr.Not) e).operand(), scope));
    }
    if (e instanceof Expr.Neg || e instanceof Expr.Pos) {
      Object v = defined(eval(e instanceof Expr.Neg ? ((Expr.Neg) e).operand() : ((Expr.Pos) e).operand(), scope));
      if (!Py.isNumber(v)) {
        throw Py.typeError("bad operand type for unary " + (e instanceof Expr.Neg ? "-" : "+") + ": '"
            + Py.typeName(v) + "'");
      }
      return e instanceof Expr.Neg ? Py.negate(v) : Py.arithmetic("+", 0L, v);
    }
    if (e instanceof Expr.Binary) {
      Expr.Binary b = (Expr.Binary) e;
      Object l = defined(eval(b.left(), scope));
      Object r = defined(eval(b.right(), scope));
      if (b.op().equals("*")) {
        budget.repetition(l, r, b.line());
      }
      return Py.arithmetic(b.op(), l, r);
    }
    if (e instanceof Expr.Concat) {
      StringBuilder b = new StringBuilder();
      for (Expr x : ((Expr.Concat) e).parts()) {
        b.append(Py.str(eval(x, scope)));
      }
      return b.toString();
    }
    if (e instanceof Expr.And) {
      Object l = eval(((Expr.And) e).left(), scope);
      return Py.truthy(l) ? eval(((Expr.And) e).right(), scope) : l;
    }
    if (e instanceof Expr.Or) {
      Object l = eval(((Expr.Or) e).left(), scope);
      return Py.truthy(l) ? l : eval(((Expr.Or) e).right(), scope);
    }
    if (e instanceof Expr.Compare) {
      Expr.Compare c = (Expr.Compare) e;
      Object left = eval(c.first(), scope);
      for (Expr.Operand op : c.rest()) {
        Object right = eval(op.expr(), scope);
        if (!compare(op.op(), left, right)) {
          return false;
        }
        left = right;
      }
      return true;
    }
    if (e instanceof Expr.Cond) {
      Expr.Cond c = (Expr.Cond) e;
      if (Py.truthy(eval(c.test(), scope))) {
        return eval(c.then(), scope);
      }
      return c.orElse() == null
          ? new Undefined("the inline if-expression evaluated to false and no else section was defined.", false)
          : eval(c.orElse(), scope);
    }
    throw new TemplateException(Kind.SYNTAX, e.line(), "this expression cannot be evaluated here");
  }

  private Object optional(Expr e, Scope scope) {
    return e == null ? null : eval(e, scope);
  }

  /** jinja2's Undefined raises when it is operated on (attribute, call, arithmetic). */
  private static Object defined(Object v) {
    if (v instanceof Undefined) {
      throw ((Undefined) v).error(0);
    }
    return v;
  }

  private boolean compare(String op, Object l, Object r) {
    switch (op) {
      case "==": return Py.eq(l, r);
      case "!=": return !Py.eq(l, r);
      case "in": return Py.contains(r, l);
      case "notin": return !Py.contains(r, l);
      default: {
        int c = Py.order(l, r, op);
        switch (op) {
          case "<": return c < 0;
          case "<=": return c <= 0;
          case ">": return c > 0;
          default: return c >= 0;
        }
      }
    }
  }

  private Object call(Expr.Call c, Scope scope, Macro caller) {
    Object fn = defined(eval(c.fn(), scope));
    List<Object> args = evalArgs(c.args(), scope);
    if (c.starArgs() != null) {
      args.addAll(Py.iterate(eval(c.starArgs(), scope)));
    }
    Map<String, Object> kwargs = evalKwargs(c.kwargs(), scope);
    if (c.starKwargs() != null) {
      Object m = eval(c.starKwargs(), scope);
      if (!(m instanceof Map)) {
        throw Py.typeError("argument after ** must be a mapping, not " + Py.typeName(m));
      }
      ((Map<?, ?>) m).forEach((k, v) -> kwargs.put(Py.str(k), v));
    }
    if (caller != null) {
      kwargs.put("caller", caller);
    }
    if (!(fn instanceof JinjaCallable)) {
      throw Py.typeError("'" + Py.typeName(fn) + "' object is not callable");
    }
    return ((JinjaCallable) fn).call(args, kwargs);
  }

  private List<Object> evalArgs(List<Expr> args, Scope scope) {
    List<Object> r = new ArrayList<>();
    for (Expr a : args) {
      r.add(eval(a, scope));
    }
    return r;
  }

  private Map<String, Object> evalKwargs(List<Expr.Keyword> kwargs, Scope scope) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (Expr.Keyword k : kwargs) {
      r.put(k.name(), eval(k.value(), scope));
    }
    return r;
  }

  /** Applies a filter chain; {@code value} replaces the innermost null subject (filter blocks, set blocks). */
  private Object applyFilters(Expr filterExpr, Object value, Scope scope) {
    Expr.Filter f = (Expr.Filter) filterExpr;
    line = f.line();
    budget.enter(line);
    try {
      budget.tick(line);
      return applyFilter(f, value, scope);
    } finally {
      budget.exit();
    }
  }

  private Object applyFilter(Expr.Filter f, Object value, Scope scope) {
    Object subject = f.subject() == null ? value
        : f.subject() instanceof Expr.Filter ? applyFilters(f.subject(), value, scope) : eval(f.subject(), scope);
    Environment.Filter filter = env.filter(f.name());
    if (filter == null) {
      throw new TemplateException(Filters.isJinjaBuiltin(f.name()) ? Kind.UNSUPPORTED : Kind.SYNTAX, f.line(),
          "No filter named '" + f.name() + "'.");
    }
    try {
      return filter.apply(subject, evalArgs(f.args(), scope), evalKwargs(f.kwargs(), scope), env);
    } catch (TemplateException ex) {
      throw ex.atLine(f.line());
    }
  }
}
