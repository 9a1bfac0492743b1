package dev.align4j.core.chat.jinja;

import dev.align4j.core.chat.jinja.Ast.Branch;
import dev.align4j.core.chat.jinja.Ast.Expr;
import dev.align4j.core.chat.jinja.Ast.Stmt;
import dev.align4j.core.chat.jinja.Ast.Target;
import dev.align4j.core.chat.jinja.TemplateException.Kind;
import dev.align4j.core.chat.jinja.Token.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser ported from jinja2 3.1's {@code jinja2/parser.py}, method for method, so that operator
 * precedence matches Python exactly. In particular a filter binds tighter than every binary operator:
 * {@code 'a' + x | trim + 'b'} is {@code 'a' + (x|trim) + 'b'}, and {@code -x|abs} is {@code (-x)|abs}.
 *
 * <p>Nesting is counted against {@link RenderLimits#maxDepth()} so that 10,000 {@code (} end in a
 * {@link TemplateException.Kind#LIMIT} error naming the line, not a {@link StackOverflowError}. Every cycle of the
 * descent passes through one of the counted methods: {@link #parseStatement} (a block inside a block),
 * {@link #parseUnary} (a bracket, call argument, subscript or unary operator inside an expression), and the
 * recursions of {@link #parseNot} ({@code not not x}) and {@link #parseCondexpr} ({@code a if b else c if d ...}).
 */
final class Parser {
  private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", "<=", ">", ">=");
  private static final Set<String> UNSUPPORTED_TAGS = Set.of("block", "extends", "include", "import", "from",
      "autoescape");

  private final List<Token> tokens;
  private final boolean loopControls;
  private final boolean generationTag;
  private final int maxDepth;
  private int at;
  private int depth;

  private Parser(List<Token> tokens, boolean loopControls, boolean generationTag, int maxDepth) {
    this.tokens = tokens;
    this.loopControls = loopControls;
    this.generationTag = generationTag;
    this.maxDepth = maxDepth;
  }

  static List<Stmt> parse(List<Token> tokens, boolean loopControls, boolean generationTag, RenderLimits limits) {
    Parser p = new Parser(tokens, loopControls, generationTag, limits.maxDepth());
    List<Stmt> body;
    try {
      body = p.subparse(Set.of());
    } catch (StackOverflowError e) {
      // the depth count should fire first; this is for a thread whose stack is too small for maxDepth
      throw TemplateException.overLimit(RenderLimits.Limit.DEPTH, p.current().line(), "the Java stack overflowed"
          + " while parsing, before maxDepth = " + p.maxDepth + " was reached; lower it with"
          + " RenderLimits.withMaxDepth(...) or parse on a thread with a larger stack (-Xss)");
    }
    if (p.current().type() != Type.EOF) {
      throw p.fail("unexpected " + p.current().describe(), p.current().line());
    }
    return body;
  }

  /** Opens one nesting level; pair with {@link #exit()} in a {@code finally}. */
  private void enter() {
    if (++depth > maxDepth) {
      throw TemplateException.overLimit(RenderLimits.Limit.DEPTH, current().line(), "the template nests deeper than"
          + " maxDepth = " + maxDepth + " levels (blocks inside blocks, brackets and operators inside expressions); "
          + RenderLimits.Limit.DEPTH.remedy());
    }
  }

  private void exit() {
    depth--;
  }

  // ---- token stream ----

  private Token current() {
    return tokens.get(at);
  }

  private Token look() {
    return tokens.get(Math.min(at + 1, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(at);
    if (at < tokens.size() - 1) {
      at++;
    }
    return t;
  }

  private boolean skipOp(String op) {
    if (current().isOp(op)) {
      next();
      return true;
    }
    return false;
  }

  private boolean skipName(String name) {
    if (current().isName(name)) {
      next();
      return true;
    }
    return false;
  }

  private Token expect(Type type) {
    if (current().type() != type) {
      throw fail("expected " + type.name().toLowerCase().replace('_', ' ') + ", got " + current().describe(),
          current().line());
    }
    return next();
  }

  private Token expectOp(String op) {
    if (!current().isOp(op)) {
      throw fail("expected token '" + op + "', got " + current().describe(), current().line());
    }
    return next();
  }

  private Token expectName(String name) {
    if (!current().isName(name)) {
      throw fail("expected token '" + name + "', got " + current().describe(), current().line());
    }
    return next();
  }

  private TemplateException fail(String msg, int line) {
    return new TemplateException(Kind.SYNTAX, line, msg);
  }

  // ---- statements ----

  private List<Stmt> subparse(Set<String> endTokens) {
    List<Stmt> body = new ArrayList<>();
    while (current().type() != Type.EOF) {
      Token t = current();
      if (t.type() == Type.DATA) {
        next();
        body.add(new Ast.Text(t.value(), t.line()));
      } else if (t.type() == Type.VARIABLE_BEGIN) {
        next();
        body.add(new Ast.Print(parseTuple(false, true, Set.of(), false, false), t.line()));
        expect(Type.VARIABLE_END);
      } else if (t.type() == Type.BLOCK_BEGIN) {
        next();
        if (current().type() == Type.NAME && endTokens.contains(current().value())) {
          return body;
        }
        body.add(parseStatement());
        expect(Type.BLOCK_END);
      } else {
        throw fail("internal parsing error at " + t.describe(), t.line());
      }
    }
    if (!endTokens.isEmpty()) {
      throw fail("Unexpected end of template. Jinja was looking for the following tags: "
          + String.join(" or ", endTokens.stream().map(s -> "'" + s + "'").sorted().toList()) + ".", current().line());
    }
    return body;
  }

  /** jinja2's parse_statements: a body up to one of {@code endTokens}, optionally consuming the end tag's name. */
  private List<Stmt> statements(Set<String> endTokens, boolean dropNeedle) {
    skipOp(":");
    expect(Type.BLOCK_END);
    List<Stmt> body = subparse(endTokens);
    if (dropNeedle) {
      next();
    }
    return body;
  }

  private Stmt parseStatement() {
    enter();
    try {
      return parseStatementInner();
    } finally {
      exit();
    }
  }

  private Stmt parseStatementInner() {
    Token t = current();
    if (t.type() != Type.NAME) {
      throw fail("tag name expected", t.line());
    }
    switch (t.value()) {
      case "for": return parseFor();
      case "if": return parseIf();
      case "set": return parseSet();
      case "macro": return parseMacro();
      case "call": return parseCallBlock();
      case "filter": return parseFilterBlock();
      case "with": return parseWith();
      case "print": return parsePrint();
      default: break;
    }
    if (generationTag && t.value().equals("generation")) {
      next();
      return new Ast.Generation(statements(Set.of("endgeneration"), true), t.line());
    }
    if (loopControls && t.value().equals("break")) {
      next();
      return new Ast.Break(t.line());
    }
    if (loopControls && t.value().equals("continue")) {
      next();
      return new Ast.Continue(t.line());
    }
    if (UNSUPPORTED_TAGS.contains(t.value())) {
      throw new TemplateException(Kind.UNSUPPORTED, t.line(),
          "the tag '" + t.value() + "' is valid jinja2 but not supported in chat templates by align4j");
    }
    throw fail("Encountered unknown tag '" + t.value() + "'.", t.line());
  }

  private Stmt parseFor() {
    int line = expectName("for").line();
    Target target = assignTarget(true, Set.of("in"), false);
    expectName("in");
    Expr iter = parseTuple(false, false, Set.of("recursive"), false, false);
    Expr filter = null;
    if (skipName("if")) {
      filter = parseExpression(true);
    }
    if (current().isName("recursive")) {
      throw new TemplateException(Kind.UNSUPPORTED, current().line(), "recursive for loops are not supported");
    }
    List<Stmt> body = statements(Set.of("endfor", "else"), false);
    List<Stmt> orElse = List.of();
    if (!next().value().equals("endfor")) {
      orElse = statements(Set.of("endfor"), true);
    }
    return new Ast.For(target, iter, filter, body, orElse, line);
  }

  private Stmt parseIf() {
    int line = expectName("if").line();
    List<Branch> branches = new ArrayList<>();
    List<Stmt> orElse = List.of();
    while (true) {
      Expr test = parseTuple(false, false, Set.of(), false, false);
      List<Stmt> body = statements(Set.of("elif", "else", "endif"), false);
      branches.add(new Branch(test, body));
      Token t = next();
      if (t.isName("elif")) {
        continue;
      }
      if (t.isName("else")) {
        orElse = statements(Set.of("endif"), true);
      }
      break;
    }
    return new Ast.If(branches, orElse, line);
  }

  private Stmt parseSet() {
    int line = next().line();
    Target target = assignTarget(true, Set.of(), true);
    if (skipOp("=")) {
      return new Ast.Set(target, parseTuple(false, true, Set.of(), false, false), line);
    }
    Expr filter = parseFilter(null, false);
    return new Ast.SetBlock(target, filter, statements(Set.of("endset"), true), line);
  }

  private Stmt parseMacro() {
    int line = next().line();
    String name = expect(Type.NAME).value();
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    signature(params, defaults);
    return new Ast.MacroDef(name, params, defaults, statements(Set.of("endmacro"), true), line);
  }

  private void signature(List<String> params, List<Expr> defaults) {
    expectOp("(");
    while (!current().isOp(")")) {
      if (!params.isEmpty()) {
        expectOp(",");
      }
      params.add(expect(Type.NAME).value());
      if (skipOp("=")) {
        defaults.add(parseExpression(true));
      } else if (!defaults.isEmpty()) {
        throw fail("non-default argument follows default argument", current().line());
      }
    }
    expectOp(")");
  }

  private Stmt parseCallBlock() {
    int line = next().line();
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    if (current().isOp("(")) {
      signature(params, defaults);
    }
    Expr call = parseExpression(true);
    if (!(call instanceof Expr.Call)) {
      throw fail("expected call", line);
    }
    return new Ast.CallBlock((Expr.Call) call, params, defaults, statements(Set.of("endcall"), true), line);
  }

  private Stmt parseFilterBlock() {
    int line = next().line();
    Expr filter = parseFilter(null, true);
    return new Ast.FilterBlock(filter, statements(Set.of("endfilter"), true), line);
  }

  private Stmt parseWith() {
    int line = next().line();
    List<Target> targets = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (current().type() != Type.BLOCK_END) {
      if (!targets.isEmpty()) {
        expectOp(",");
      }
      targets.add(assignTarget(true, Set.of(), false));
      expectOp("=");
      values.add(parseExpression(true));
    }
    return new Ast.With(targets, values, statements(Set.of("endwith"), true), line);
  }

  private Stmt parsePrint() {
    int line = next().line();
    List<Expr> parts = new ArrayList<>();
    while (current().type() != Type.BLOCK_END) {
      if (!parts.isEmpty()) {
        expectOp(",");
      }
      parts.add(parseExpression(true));
    }
    return new Ast.Print(parts.size() == 1 ? parts.get(0) : new Expr.TupleLit(parts, line), line);
  }

  private Target assignTarget(boolean withTuple, Set<String> extraEnd, boolean withNamespace) {
    int line = current().line();
    Expr e = withTuple ? parseTuple(true, true, extraEnd, false, withNamespace) : parsePrimary(withNamespace);
    return toTarget(e, line);
  }

  private Target toTarget(Expr e, int line) {
    if (e instanceof Expr.Name) {
      return new Ast.NameTarget(((Expr.Name) e).name());
    }
    if (e instanceof Expr.NsRef) {
      return new Ast.NamespaceTarget(((Expr.NsRef) e).name(), ((Expr.NsRef) e).attr());
    }
    if (e instanceof Expr.TupleLit) {
      List<Target> items = new ArrayList<>();
      for (Expr item : ((Expr.TupleLit) e).items()) {
        items.add(toTarget(item, line));
      }
      return new Ast.TupleTarget(items);
    }
    throw fail("can't assign to " + e.getClass().getSimpleName().toLowerCase(), line);
  }

  // ---- expressions ----

  private Expr parseExpression(boolean withCondexpr) {
    return withCondexpr ? parseCondexpr() : parseOr();
  }

  private Expr parseCondexpr() {
    int line = current().line();
    Expr expr1 = parseOr();
    while (skipName("if")) {
      Expr expr2 = parseOr();
      Expr expr3 = null;
      if (skipName("else")) {
        enter();
        try {
          expr3 = parseCondexpr();
        } finally {
          exit();
        }
      }
      expr1 = new Expr.Cond(expr2, expr1, expr3, line);
      line = current().line();
    }
    return expr1;
  }

  private Expr parseOr() {
    int line = current().line();
    Expr left = parseAnd();
    while (skipName("or")) {
      left = new Expr.Or(left, parseAnd(), line);
      line = current().line();
    }
    return left;
  }

  private Expr parseAnd() {
    int line = current().line();
    Expr left = parseNot();
    while (skipName("and")) {
      left = new Expr.And(left, parseNot(), line);
      line = current().line();
    }
    return left;
  }

  private Expr parseNot() {
    if (current().isName("not")) {
      int line = next().line();
      enter();
      try {
        return new Expr.Not(parseNot(), line);
      } finally {
        exit();
      }
    }
    return parseCompare();
  }

  private Expr parseCompare() {
    int line = current().line();
    Expr expr = parseMath1();
    List<Expr.Operand> ops = new ArrayList<>();
    while (true) {
      Token t = current();
      if (t.type() == Type.OPERATOR && COMPARE_OPS.contains(t.value())) {
        next();
        ops.add(new Expr.Operand(t.value(), parseMath1()));
      } else if (skipName("in")) {
        ops.add(new Expr.Operand("in", parseMath1()));
      } else if (t.isName("not") && look().isName("in")) {
        next();
        next();
        ops.add(new Expr.Operand("notin", parseMath1()));
      } else {
        break;
      }
      line = current().line();
    }
    return ops.isEmpty() ? expr : new Expr.Compare(expr, ops, line);
  }

  private Expr parseMath1() {
    int line = current().line();
    Expr left = parseConcat();
    while (current().isOp("+") || current().isOp("-")) {
      String op = next().value();
      left = new Expr.Binary(op, left, parseConcat(), line);
      line = current().line();
    }
    return left;
  }

  private Expr parseConcat() {
    int line = current().line();
    List<Expr> args = new ArrayList<>();
    args.add(parseMath2());
    while (skipOp("~")) {
      args.add(parseMath2());
    }
    return args.size() == 1 ? args.get(0) : new Expr.Concat(args, line);
  }

  private Expr parseMath2() {
    int line = current().line();
    Expr left = parsePow();
    while (current().isOp("*") || current().isOp("/") || current().isOp("//") || current().isOp("%")) {
      String op = next().value();
      left = new Expr.Binary(op, left, parsePow(), line);
      line = current().line();
    }
    return left;
  }

  private Expr parsePow() {
    int line = current().line();
    Expr left = parseUnary(true);
    while (skipOp("**")) {
      left = new Expr.Binary("**", left, parseUnary(true), line);
      line = current().line();
    }
    return left;
  }

  private Expr parseUnary(boolean withFilter) {
    enter();
    try {
      return parseUnaryInner(withFilter);
    } finally {
      exit();
    }
  }

  private Expr parseUnaryInner(boolean withFilter) {
    Token t = current();
    Expr node;
    if (t.isOp("-")) {
      next();
      node = new Expr.Neg(parseUnary(false), t.line());
    } else if (t.isOp("+")) {
      next();
      node = new Expr.Pos(parseUnary(false), t.line());
    } else {
      node = parsePrimary(false);
    }
    node = parsePostfix(node);
    if (withFilter) {
      node = parseFilterExpr(node);
    }
    return node;
  }

  private Expr parsePrimary(boolean withNamespace) {
    Token t = current();
    switch (t.type()) {
      case NAME: {
        next();
        switch (t.value()) {
          case "true": case "True": return new Expr.Const(Boolean.TRUE, t.line());
          case "false": case "False": return new Expr.Const(Boolean.FALSE, t.line());
          case "none": case "None": return new Expr.Const(null, t.line());
          default: break;
        }
        if (withNamespace && current().isOp(".")) {
          next();
          return new Expr.NsRef(t.value(), expect(Type.NAME).value(), t.line());
        }
        return new Expr.Name(t.value(), t.line());
      }
      case STRING: {
        next();
        StringBuilder b = new StringBuilder(t.value());
        while (current().type() == Type.STRING) {
          b.append(next().value());
        }
        return new Expr.Const(b.toString(), t.line());
      }
      case INTEGER:
        next();
        return new Expr.Const(parseInt(t.value()), t.line());
      case FLOAT:
        next();
        return new Expr.Const(Double.parseDouble(t.value().replace("_", "")), t.line());
      case OPERATOR:
        if (t.value().equals("(")) {
          next();
          Expr e = parseTuple(false, true, Set.of(), true, false);
          expectOp(")");
          return e;
        }
        if (t.value().equals("[")) {
          return parseList();
        }
        if (t.value().equals("{")) {
          return parseDict();
        }
        break;
      default:
        break;
    }
    throw fail("unexpected " + t.describe(), t.line());
  }

  private static Object parseInt(String text) {
    String s = text.replace("_", "").toLowerCase();
    BigInteger v;
    if (s.startsWith("0b")) {
      v = new BigInteger(s.substring(2), 2);
    } else if (s.startsWith("0o")) {
      v = new BigInteger(s.substring(2), 8);
    } else if (s.startsWith("0x")) {
      v = new BigInteger(s.substring(2), 16);
    } else {
      v = new BigInteger(s);
    }
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  /**
   * jinja2's parse_tuple. {@code simplified} parses only primaries (assignment targets); without commas the single
   * expression is returned.
   */
  private Expr parseTuple(boolean simplified, boolean withCondexpr, Set<String> extraEnd, boolean explicitParens,
      boolean withNamespace) {
    int line = current().line();
    List<Expr> args = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!args.isEmpty()) {
        expectOp(",");
      }
      if (isTupleEnd(extraEnd)) {
        break;
      }
      if (simplified) {
        args.add(parsePrimary(withNamespace));
      } else {
        args.add(parseExpression(withCondexpr));
      }
      if (current().isOp(",")) {
        isTuple = true;
      } else {
        break;
      }
    }
    if (!isTuple) {
      if (!args.isEmpty()) {
        return args.get(0);
      }
      if (!explicitParens) {
        throw fail("Expected an expression, got " + current().describe(), current().line());
      }
    }
    return new Expr.TupleLit(args, line);
  }

  private boolean isTupleEnd(Set<String> extraEnd) {
    Token t = current();
    if (t.type() == Type.VARIABLE_END || t.type() == Type.BLOCK_END || t.isOp(")")) {
      return true;
    }
    return t.type() == Type.NAME && extraEnd.contains(t.value());
  }

  private Expr parseList() {
    int line = expectOp("[").line();
    List<Expr> items = new ArrayList<>();
    while (!current().isOp("]")) {
      if (!items.isEmpty()) {
        expectOp(",");
      }
      if (current().isOp("]")) {
        break;
      }
      items.add(parseExpression(true));
    }
    expectOp("]");
    return new Expr.ListLit(items, line);
  }

  private Expr parseDict() {
    int line = expectOp("{").line();
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (!current().isOp("}")) {
      if (!keys.isEmpty()) {
        expectOp(",");
      }
      if (current().isOp("}")) {
        break;
      }
      keys.add(parseExpression(true));
      expectOp(":");
      values.add(parseExpression(true));
    }
    expectOp("}");
    return new Expr.DictLit(keys, values, line);
  }

  private Expr parsePostfix(Expr node) {
    Expr n = node;
    while (true) {
      if (current().isOp(".") || current().isOp("[")) {
        n = parseSubscript(n);
      } else if (current().isOp("(")) {
        n = parseCall(n);
      } else {
        return n;
      }
    }
  }

  private Expr parseFilterExpr(Expr node) {
    Expr n = node;
    while (true) {
      if (current().isOp("|")) {
        n = parseFilter(n, false);
      } else if (current().isName("is")) {
        n = parseTest(n);
      } else if (current().isOp("(")) {
        n = parseCall(n);
      } else {
        return n;
      }
    }
  }

  private Expr parseSubscript(Expr node) {
    Token t = next();
    if (t.isOp(".")) {
      Token attr = next();
      if (attr.type() == Type.NAME) {
        return new Expr.GetAttr(node, attr.value(), t.line());
      }
      if (attr.type() != Type.INTEGER) {
        throw fail("expected name or number", attr.line());
      }
      return new Expr.GetItem(node, new Expr.Const(parseInt(attr.value()), attr.line()), t.line());
    }
    List<Expr> args = new ArrayList<>();
    while (!current().isOp("]")) {
      if (!args.isEmpty()) {
        expectOp(",");
      }
      args.add(parseSubscribed());
    }
    expectOp("]");
    Expr key = args.size() == 1 ? args.get(0) : new Expr.TupleLit(args, t.line());
    return new Expr.GetItem(node, key, t.line());
  }

  private Expr parseSubscribed() {
    int line = current().line();
    List<Expr> args = new ArrayList<>();
    if (current().isOp(":")) {
      next();
      args.add(null);
    } else {
      Expr node = parseExpression(true);
      if (!current().isOp(":")) {
        return node;
      }
      next();
      args.add(node);
    }
    if (current().isOp(":")) {
      args.add(null);
    } else if (!current().isOp("]") && !current().isOp(",")) {
      args.add(parseExpression(true));
    } else {
      args.add(null);
    }
    if (current().isOp(":")) {
      next();
      args.add(!current().isOp("]") && !current().isOp(",") ? parseExpression(true) : null);
    } else {
      args.add(null);
    }
    return new Expr.Slice(args.get(0), args.get(1), args.get(2), line);
  }

  private record CallArgs(List<Expr> args, List<Expr.Keyword> kwargs, Expr star, Expr starStar) {}

  private CallArgs parseCallArgs() {
    Token open = expectOp("(");
    List<Expr> args = new ArrayList<>();
    List<Expr.Keyword> kwargs = new ArrayList<>();
    Expr star = null;
    Expr starStar = null;
    boolean requireComma = false;
    while (!current().isOp(")")) {
      if (requireComma) {
        expectOp(",");
        if (current().isOp(")")) {
          break;
        }
      }
      if (current().isOp("*")) {
        ensure(star == null && starStar == null, open);
        next();
        star = parseExpression(true);
      } else if (current().isOp("**")) {
        ensure(starStar == null, open);
        next();
        starStar = parseExpression(true);
      } else if (current().type() == Type.NAME && look().isOp("=")) {
        ensure(starStar == null, open);
        String key = next().value();
        next();
        kwargs.add(new Expr.Keyword(key, parseExpression(true)));
      } else {
        ensure(star == null && starStar == null && kwargs.isEmpty(), open);
        args.add(parseExpression(true));
      }
      requireComma = true;
    }
    expectOp(")");
    return new CallArgs(args, kwargs, star, starStar);
  }

  private void ensure(boolean ok, Token open) {
    if (!ok) {
      throw fail("invalid syntax for function call expression", open.line());
    }
  }

  private Expr parseCall(Expr node) {
    int line = current().line();
    CallArgs a = parseCallArgs();
    return new Expr.Call(node, a.args(), a.kwargs(), a.star(), a.starStar(), line);
  }

  private Expr parseFilter(Expr node, boolean startInline) {
    Expr n = node;
    boolean inline = startInline;
    while (current().isOp("|") || inline) {
      if (!inline) {
        next();
      }
      Token t = expect(Type.NAME);
      StringBuilder name = new StringBuilder(t.value());
      while (current().isOp(".")) {
        next();
        name.append('.').append(expect(Type.NAME).value());
      }
      CallArgs a = current().isOp("(") ? parseCallArgs() : new CallArgs(List.of(), List.of(), null, null);
      if (a.star() != null || a.starStar() != null) {
        throw new TemplateException(Kind.UNSUPPORTED, t.line(), "*args/**kwargs in filter calls are not supported");
      }
      n = new Expr.Filter(n, name.toString(), a.args(), a.kwargs(), t.line());
      inline = false;
    }
    return n;
  }

  private Expr parseTest(Expr node) {
    Token is = next();
    boolean negated = skipName("not");
    StringBuilder name = new StringBuilder(expect(Type.NAME).value());
    while (current().isOp(".")) {
      next();
      name.append('.').append(expect(Type.NAME).value());
    }
    List<Expr> args = List.of();
    List<Expr.Keyword> kwargs = List.of();
    Token t = current();
    if (t.isOp("(")) {
      CallArgs a = parseCallArgs();
      args = a.args();
      kwargs = a.kwargs();
    } else if ((t.type() == Type.NAME || t.type() == Type.STRING || t.type() == Type.INTEGER
        || t.type() == Type.FLOAT || t.isOp("[") || t.isOp("{"))
        && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
      if (t.isName("is")) {
        throw fail("You cannot chain multiple tests with is", t.line());
      }
      args = List.of(parsePostfix(parsePrimary(false)));
    }
    Expr test = new Expr.Test(node, name.toString(), args, kwargs, is.line());
    return negated ? new Expr.Not(test, is.line()) : test;
  }
}
