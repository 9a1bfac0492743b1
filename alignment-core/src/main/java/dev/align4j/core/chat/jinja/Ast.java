package dev.align4j.core.chat.jinja;

import java.util.List;

/** The syntax tree of a template: statements ({@link Stmt}) and expressions ({@link Expr}), each with its line. */
final class Ast {
  private Ast() {}

  /** A statement: template data, an output, or a tag. */
  sealed interface Stmt permits Text, Print, If, For, Set, SetBlock, MacroDef, CallBlock, FilterBlock, With,
      Generation, Break, Continue {
    int line();
  }

  record Text(String data, int line) implements Stmt {}

  record Print(Expr expr, int line) implements Stmt {}

  record Branch(Expr test, List<Stmt> body) {}

  record If(List<Branch> branches, List<Stmt> orElse, int line) implements Stmt {}

  record For(Target target, Expr iter, Expr filter, List<Stmt> body, List<Stmt> orElse, int line)
      implements Stmt {}

  record Set(Target target, Expr value, int line) implements Stmt {}

  /** {@code {% set x | filter %}...{% endset %}}; {@code filter} applies to the captured text, null when absent. */
  record SetBlock(Target target, Expr filter, List<Stmt> body, int line) implements Stmt {}

  record MacroDef(String name, List<String> params, List<Expr> defaults, List<Stmt> body, int line)
      implements Stmt {}

  /** {@code {% call(params) macro(args) %}body{% endcall %}}: the body becomes the macro's {@code caller}. */
  record CallBlock(Expr.Call call, List<String> params, List<Expr> defaults, List<Stmt> body, int line)
      implements Stmt {}

  /** {@code {% filter f %}...{% endfilter %}}; {@code filter} is an {@link Expr.Filter} whose subject is null. */
  record FilterBlock(Expr filter, List<Stmt> body, int line) implements Stmt {}

  record With(List<Target> targets, List<Expr> values, List<Stmt> body, int line) implements Stmt {}

  /** transformers' {@code {% generation %}...{% endgeneration %}}: marks assistant-generated text. */
  record Generation(List<Stmt> body, int line) implements Stmt {}

  record Break(int line) implements Stmt {}

  record Continue(int line) implements Stmt {}

  /** An assignment target. */
  sealed interface Target permits NameTarget, TupleTarget, NamespaceTarget {}

  record NameTarget(String name) implements Target {}

  record TupleTarget(List<Target> items) implements Target {}

  /** {@code ns.attr}, only valid on a {@code namespace()} object. */
  record NamespaceTarget(String name, String attr) implements Target {}

  /** An expression. */
  sealed interface Expr permits Expr.Const, Expr.Name, Expr.ListLit, Expr.TupleLit, Expr.DictLit, Expr.GetAttr,
      Expr.GetItem, Expr.Slice, Expr.Call, Expr.Filter, Expr.Test, Expr.Not, Expr.Neg, Expr.Pos, Expr.Binary,
      Expr.Concat, Expr.And, Expr.Or, Expr.Compare, Expr.Cond, Expr.NsRef {
    int line();

    record Const(Object value, int line) implements Expr {}

    record Name(String name, int line) implements Expr {}

    /** {@code ns.attr} as an assignment target of {@code set}; never evaluated. */
    record NsRef(String name, String attr, int line) implements Expr {}

    record ListLit(List<Expr> items, int line) implements Expr {}

    record TupleLit(List<Expr> items, int line) implements Expr {}

    record DictLit(List<Expr> keys, List<Expr> values, int line) implements Expr {}

    record GetAttr(Expr subject, String attr, int line) implements Expr {}

    record GetItem(Expr subject, Expr key, int line) implements Expr {}

    /** {@code [start:stop:step]}; absent parts are null. Only appears as a {@link GetItem} key. */
    record Slice(Expr start, Expr stop, Expr step, int line) implements Expr {}

    record Keyword(String name, Expr value) {}

    record Call(Expr fn, List<Expr> args, List<Keyword> kwargs, Expr starArgs, Expr starKwargs, int line)
        implements Expr {}

    /** {@code subject|name(args)}; subject is null inside {@code {% filter %}} and {@code {% set x | f %}} tags. */
    record Filter(Expr subject, String name, List<Expr> args, List<Keyword> kwargs, int line) implements Expr {}

    record Test(Expr subject, String name, List<Expr> args, List<Keyword> kwargs, int line) implements Expr {}

    record Not(Expr operand, int line) implements Expr {}

    record Neg(Expr operand, int line) implements Expr {}

    record Pos(Expr operand, int line) implements Expr {}

    /** Arithmetic: {@code + - * / // % **}. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr {}

    /** {@code a ~ b ~ c}: str() of each, joined. */
    record Concat(List<Expr> parts, int line) implements Expr {}

    record And(Expr left, Expr right, int line) implements Expr {}

    record Or(Expr left, Expr right, int line) implements Expr {}

    record Operand(String op, Expr expr) {}

    /** A chained comparison {@code a < b <= c}; ops are {@code == != < <= > >= in notin}. */
    record Compare(Expr first, List<Operand> rest, int line) implements Expr {}

    /** {@code a if test else b}; {@code orElse} is null when absent (then the result is undefined). */
    record Cond(Expr test, Expr then, Expr orElse, int line) implements Expr {}
  }
}
