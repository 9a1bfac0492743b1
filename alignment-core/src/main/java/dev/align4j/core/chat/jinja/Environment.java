package dev.align4j.core.chat.jinja;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings a template is compiled and rendered with, after jinja2's {@code Environment}: whitespace handling, the
 * enabled extension tags, the filters, tests and globals templates can use, and the {@link RenderLimits} that stop a
 * hostile template. Start from {@link #builder()}, which holds jinja2's built-ins and the default limits, and add or
 * override what an application needs (transformers replaces {@code tojson}). Immutable once built; one environment
 * serves any number of templates and threads.
 */
public final class Environment {
  /** A filter: {@code value|name(args, kw=...)}. */
  @FunctionalInterface
  public interface Filter {
    Object apply(Object value, List<Object> args, Map<String, Object> kwargs, Environment env);
  }

  /** A test: {@code value is name(args)}. */
  @FunctionalInterface
  public interface Test {
    boolean apply(Object value, List<Object> args, Map<String, Object> kwargs, Environment env);
  }

  private final boolean trimBlocks;
  private final boolean lstripBlocks;
  private final boolean loopControls;
  private final boolean generationTag;
  private final Map<String, Filter> filters;
  private final Map<String, Test> tests;
  private final Map<String, Object> globals;
  private final RenderLimits limits;

  private Environment(Builder b) {
    this.trimBlocks = b.trimBlocks;
    this.lstripBlocks = b.lstripBlocks;
    this.loopControls = b.loopControls;
    this.generationTag = b.generationTag;
    this.filters = Map.copyOf(b.filters);
    this.tests = Map.copyOf(b.tests);
    this.globals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.globals));
    this.limits = b.limits;
  }

  private Environment(Environment base, RenderLimits limits) {
    this.trimBlocks = base.trimBlocks;
    this.lstripBlocks = base.lstripBlocks;
    this.loopControls = base.loopControls;
    this.generationTag = base.generationTag;
    this.filters = base.filters;
    this.tests = base.tests;
    this.globals = base.globals;
    this.limits = limits;
  }

  /** jinja2's defaults: no block trimming, no extensions, the built-in filters, tests and globals. */
  public static Builder builder() {
    Builder b = new Builder();
    Filters.registerBuiltins(b.filters);
    Tests.registerBuiltins(b.tests);
    Globals.registerBuiltins(b.globals);
    return b;
  }

  /**
   * Parses {@code source}; syntax errors name the template line. The template renders with this environment's
   * {@link #limits()}.
   *
   * @throws TemplateException of kind {@link TemplateException.Kind#SYNTAX} (or {@code UNSUPPORTED}) when the source
   *     does not parse, or {@link TemplateException.Kind#LIMIT} when it nests deeper than {@code maxDepth}
   */
  public Template compile(String source) {
    List<Ast.Stmt> body = Parser.parse(Lexer.tokenize(source, trimBlocks, lstripBlocks), loopControls,
        generationTag, limits);
    return new Template(this, body);
  }

  /** The limits templates of this environment are parsed and rendered under. */
  public RenderLimits limits() {
    return limits;
  }

  /** A copy of this environment with other limits (templates compiled in it use them). */
  public Environment withLimits(RenderLimits newLimits) {
    return new Environment(this, Objects.requireNonNull(newLimits, "limits"));
  }

  Filter filter(String name) {
    return filters.get(name);
  }

  Test test(String name) {
    return tests.get(name);
  }

  boolean hasFilter(String name) {
    return filters.containsKey(name);
  }

  boolean hasTest(String name) {
    return tests.containsKey(name);
  }

  Map<String, Object> globals() {
    return globals;
  }

  /** Collects the settings of an {@link Environment}. */
  public static final class Builder {
    private boolean trimBlocks;
    private boolean lstripBlocks;
    private boolean loopControls;
    private boolean generationTag;
    private final Map<String, Filter> filters = new LinkedHashMap<>();
    private final Map<String, Test> tests = new LinkedHashMap<>();
    private final Map<String, Object> globals = new LinkedHashMap<>();
    private RenderLimits limits = RenderLimits.defaults();

    private Builder() {}

    /** The limits a render may not exceed (default {@link RenderLimits#defaults()}). */
    public Builder limits(RenderLimits l) {
      this.limits = Objects.requireNonNull(l, "limits");
      return this;
    }

    /** {@code trim_blocks}: drop the first newline after a block tag. */
    public Builder trimBlocks(boolean on) {
      this.trimBlocks = on;
      return this;
    }

    /** {@code lstrip_blocks}: drop spaces and tabs between a line start and a block tag. */
    public Builder lstripBlocks(boolean on) {
      this.lstripBlocks = on;
      return this;
    }

    /** The {@code jinja2.ext.loopcontrols} extension: {@code {% break %}} and {@code {% continue %}}. */
    public Builder loopControls(boolean on) {
      this.loopControls = on;
      return this;
    }

    /** transformers' {@code {% generation %}...{% endgeneration %}} tag, whose output spans are reported. */
    public Builder generationTag(boolean on) {
      this.generationTag = on;
      return this;
    }

    public Builder filter(String name, Filter f) {
      filters.put(name, f);
      return this;
    }

    public Builder test(String name, Test t) {
      tests.put(name, t);
      return this;
    }

    /** A global value or function ({@link JinjaCallable}). */
    public Builder global(String name, Object value) {
      globals.put(name, value);
      return this;
    }

    public Environment build() {
      return new Environment(this);
    }
  }
}
