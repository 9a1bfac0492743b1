package dev.align4j.core.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.chat.jinja.RenderLimits;
import dev.align4j.core.chat.jinja.TemplateException;
import dev.align4j.core.testing.Hostile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Broken and hostile chat templates ({@code chat_template.jinja}) end, when loaded with {@link ChatTemplate#load} and
 * rendered, in a {@link TemplateException} that names the template line (or, for {@code raise_exception}, carries
 * the template's own message), or in an {@link IllegalArgumentException} naming the file for one that is not UTF-8;
 * never in another exception, a hang or an out-of-memory. Each try starts from one of the test templates (ChatML,
 * Llama 3, Mistral's alternating roles, the Qwen3-style ones with tools and {@code generation}) and applies seeded
 * damage: {@link Hostile}'s byte damage, or constructs that stress the interpreter inserted at a random place
 * (Python's runtime errors, huge numbers and strings, deep nesting, endless loops and recursion).
 *
 * <p>The limits are {@link RenderLimits#defaults()}, stated in {@code RenderLimits}: depth 200, 100,000 loop steps,
 * 10,000,000 output chars, 5 s; one try is allowed 10 s. Each is tested just past its value below.
 */
class ChatTemplateFuzzProperties {
  private static final Duration PER_TRY = Duration.ofSeconds(10);

  /** Constructs inserted into a template: each is a Python error, a limit, or an edge of the interpreter. */
  private static final String[] HAZARDS = {
      // Python's runtime errors
      "{{ 1 / 0 }}", "{{ 1 // 0 }}", "{{ 1 % 0 }}", "{{ 1.5 // 0 }}", "{{ 'abc'[::0] }}", "{{ range(1, 10, 0) }}",
      "{{ '%s %s' % (1,) }}", "{{ '%d' % 'x' }}", "{{ '%c' % 1114112 }}", "{{ '%c' % -1 }}", "{{ '{}'.format() }}",
      "{{ '{0}{1}'.format(1) }}", "{{ 'abc'.split('') }}", "{{ 'a'.center(10, 'xy') }}", "{{ [1, 'a'] | sort }}",
      "{{ [1, 'a'] | max }}", "{{ 'a' < 1 }}", "{{ 'a' in 5 }}", "{{ {'a': 1}['b'] }}", "{{ {[1]: 2} }}",
      "{{ (1e308 * 10) | int }}", "{{ 'nan' | float | int }}", "{{ 'inf' | float | round }}", "{{ '1e999' | float }}",
      "{{ 10 ** 400 | float }}", "{{ (10 ** 400) / 3 }}", "{{ 2 ** -1075 }}", "{{ 0 ** -1 }}", "{{ (-8) ** 0.5 }}",
      "{{ -9223372036854775808 // -1 }}", "{{ -9223372036854775808 * -1 }}", "{{ 9223372036854775807 + 1 }}",
      "{{ (-9223372036854775808) | abs }}", "{{ 'abc'[-9223372036854775808] }}", "{{ 'abc'[9223372036854775807:] }}",
      "{{ [1, 2][10 ** 30] }}", "{{ 'ab' * 9223372036854775807 }}", "{{ [1] * -1 }}", "{{ 'x' * (10 ** 20) }}",
      "{{ 1 | round(-1000) }}", "{{ 1.5 | round(1000000) }}", "{{ 1.5 | round(10 ** 20) }}", "{{ 'x' | truncate(-1) }}",
      "{{ [1, 2, 3] | batch(0) | list }}", "{{ [1] | slice(0) | list }}", "{{ 'x' | indent(-5) }}",
      "{{ 'x' | wordwrap(0) }}", "{{ 'a b' | wordcount }}", "{{ 'abc' | replace('', 'x', -1) }}",
      "{{ 'abc' | replace('b', 'x', 10 ** 20) }}", "{{ [3, 1] | sort(attribute='x') }}", "{{ {} | dictsort }}",
      "{{ 5 is divisibleby 0 }}", "{{ 'x' | int(base=1) }}", "{{ '0x' | int(base=16) }}", "{{ '12' | int(0, 99) }}",
      "{{ [] | first }}", "{{ [] | last }}", "{{ [] | max }}", "{{ [] | min }}", "{{ [] | sum(attribute='a') }}",
      "{{ 'abc' | first }}", "{{ 'x' | format(1, 2, 3) }}", "{{ '%(a)s' % {} }}", "{{ '%(a)s' % 5 }}",
      "{{ '%.1000000f' % 1.5 }}", "{{ '%1000000000d' % 1 }}", "{{ '{:>1000000000}'.format('a') }}",
      "{{ 'x' | center(1000000000) }}", "{{ 'x'.zfill(1000000000) }}", "{{ 'x'.ljust(10 ** 20) }}",
      "{{ 'x'.expandtabs(10 ** 9) }}", "{{ 'a\tb'.expandtabs(10 ** 9) }}", "{{ range(10 ** 10) | list }}",
      "{{ range(10 ** 30) }}", "{{ range(-10 ** 30, 10 ** 30, 10 ** 29) | list }}", "{{ 2 ** 100000 }}",
      "{{ 10 ** 10 ** 10 }}", "{{ 7 ** 7 ** 7 }}", "{{ (2 ** 64) | string | length }}", "{{ 1e308 + 1e308 }}",
      "{{ '%e' % (10 ** 400) }}", "{{ '%x' % 1.5 }}", "{{ '%x' % (2 ** 100) }}", "{{ 10 ** 400 > 1e308 }}",
      "{{ (10 ** 400) | int | float }}", "{{ [1, 2] | join(none) }}", "{{ none ~ none }}", "{{ messages | map('upper') }}",
      "{{ messages | selectattr('role', 'eq', 'user') | list }}", "{{ messages | groupby('role') }}",
      "{{ messages | map(attribute='nope') | list }}", "{{ messages | tojson(indent='a') }}",
      "{{ messages | tojson(indent=-1) }}", "{{ messages | tojson(sort_keys=true) }}", "{{ messages | items }}",
      "{{ messages[0] | items | list }}", "{{ messages[0].items() | list }}", "{{ messages[0].get() }}",
      "{{ messages[0].content.startswith(5) }}", "{{ messages[0].content.strip(5) }}", "{{ messages[1000] }}",
      "{{ messages['x'] }}", "{{ none.x }}", "{{ undefined_name.y }}", "{{ undefined_name() }}", "{{ none() }}",
      "{{ messages(1) }}", "{{ x.__class__ }}", "{{ messages.__len__() }}", "{{ ''.__class__.__mro__ }}",
      "{{ strftime_now('%Q') }}", "{{ strftime_now(none) }}", "{{ strftime_now() }}", "{{ raise_exception() }}",
      "{{ raise_exception('boom') }}", "{{ raise_exception(none) }}", "{{ loop.index }}", "{{ namespace(1) }}",
      "{{ dict(1) }}", "{{ range() }}", "{{ range('a') }}", "{{ lipsum(10 ** 9) }}", "{{ cycler() }}",
      "{{ joiner(1, 2) }}",
      // statements and their errors
      "{% for a, b in messages %}{% endfor %}", "{% for x in 5 %}{% endfor %}", "{% for x in none %}{% endfor %}",
      "{% set a, b = 1 %}", "{% set a, b = [1, 2, 3] %}", "{% set ns = namespace(a=1) %}{% set ns.a = ns %}{{ ns }}",
      "{% set l = [] %}{{ l.append(l) }}", "{% set d = {} %}{% set d.x = 1 %}", "{% set x = messages %}{{ x.pop() }}",
      "{% for m in messages %}{{ loop.cycle() }}{% endfor %}", "{% for m in messages %}{{ loop.previtem.x }}{% endfor %}",
      "{% for m in messages recursive %}{{ loop(m) }}{% endfor %}", "{% break %}", "{% continue %}",
      "{% for i in range(3) %}{% break %}{% else %}e{% endfor %}", "{% macro m() %}{{ caller() }}{% endmacro %}{{ m() }}",
      "{% call m() %}{% endcall %}", "{% macro m(a, a) %}{% endmacro %}", "{% macro m(a=1, b) %}{% endmacro %}",
      "{% macro m() %}{% endmacro %}{{ m(1, 2, 3) }}", "{% macro m() %}{% endmacro %}{{ m(x=1) }}",
      "{% filter upper %}x{% endfilter %}", "{% filter nope %}x{% endfilter %}", "{% generation %}x{% endgeneration %}",
      "{% generation %}{% generation %}x{% endgeneration %}{% endgeneration %}", "{% include 'x' %}",
      "{% import 'x' as y %}", "{% extends 'x' %}", "{% block b %}{% endblock %}", "{% with a = 1 %}{{ a }}{% endwith %}",
      "{% autoescape true %}<{% endautoescape %}", "{% do 1 %}", "{% nope %}", "{% if %}", "{% endfor %}",
      "{% else %}", "{% elif x %}", "{% endif %}{% endif %}", "{% raw %}", "{# unclosed", "{{", "{%", "{{ }}",
      "{{ 1 if }}", "{{ 1 if 2 }}", "{{ x | }}", "{{ x is }}", "{{ [1, 2 }}", "{{ (1, 2] }}", "{{ {1: 2, } }}",
      "{{ 0x10 }}", "{{ 1_000 }}", "{{ 1__0 }}", "{{ 09 }}", "{{ 1e }}", "{{ 1.e5 }}", "{{ .5 }}", "{{ 'a' 'b' }}",
      "{{ '\\N{NOPE}' }}", "{{ '\\x' }}", "{{ '\\u12' }}", "{{ '\\U00110000' }}", "{{ 'unterminated }}",
      "{{ \"\\ud800\" }}", "{{ '\u0000' }}", "\u0000", "{{ '\ud83d' }}", "{{ 1 + + + - - 1 }}", "{{ not not not 1 }}",
      // limits: depth, loops, output, time
      "{{ " + "(".repeat(300) + "1" + ")".repeat(300) + " }}", "{{ " + "[".repeat(300) + "]".repeat(300) + " }}",
      "{{ " + "-".repeat(3000) + "1 }}", "{{ 1" + " + 1".repeat(3000) + " }}", "{{ x" + ".a".repeat(3000) + " }}",
      "{{ x" + " | trim".repeat(3000) + " }}", "{{ " + "not ".repeat(3000) + "1 }}",
      "{{ " + "9".repeat(20_000) + " }}", "{{ " + "9".repeat(5_000) + ".5 }}",
      "{% if 1 %}".repeat(300) + "{% endif %}".repeat(300), "{% for i in range(2) %}".repeat(300)
          + "{% endfor %}".repeat(300),
      "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "{% macro m(n) %}{{ m(n + 1) ~ m(n + 1) }}{% endmacro %}{{ m(0) }}",
      "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
      "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
          + "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
      "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
      "{% set ns = namespace(l=[]) %}{% for i in range(60000) %}{% set ns.l = [ns.l] %}{% endfor %}{{ ns.l }}",
      "{% set ns = namespace(d={}) %}{% for i in range(60000) %}{% set ns.d = {'a': ns.d} %}{% endfor %}"
          + "{{ ns.d | tojson }}",
      "{{ 'x' * 10000000 }}{{ 'y' }}", "{{ ('x' * 5000000) ~ ('y' * 5000001) }}", "{{ [0] * 100000000 }}",
      "{{ ('x' * 900000).split('') }}", "{{ (' ' * 900000).split() | length }}", "{{ ('ab' * 400000) | reverse }}",
      "{{ ('x' * 900000) | replace('x', 'yy') }}", "{{ ('x' * 900000) | center(20000000) }}",
      "{{ ('x' * 900000) | wordwrap(1) }}", "{{ ('x ' * 400000) | title }}", "{{ ('x' * 900000) | tojson }}",
      "{{ ('\\n' * 900000) | indent(4) }}", "{{ (('x' * 1000) | list) * 10000 }}"};

  private static final List<Map<String, Object>> MESSAGES = List.of(
      Map.of("role", "system", "content", "be brief"), Map.of("role", "user", "content", "hi"),
      Map.of("role", "assistant", "content", "hello"), Map.of("role", "user", "content", "sort: c a b"));
  private static final List<Map<String, Object>> TOOLS = List.of(Map.of("type", "function", "function",
      Map.of("name", "add", "description", "adds", "parameters", Map.of("type", "object"))));

  private static List<String> templates;
  private static Path dir;

  @BeforeContainer
  static void setUp() throws Exception {
    Path folder = Path.of(ChatTemplateFuzzProperties.class.getResource("/chat/templates").toURI());
    try (Stream<Path> s = Files.list(folder)) {
      List<String> out = new ArrayList<>();
      for (Path p : s.sorted().toList()) {
        out.add(Files.readString(p));
      }
      templates = List.copyOf(out);
    }
    dir = Files.createTempDirectory("chat-template-fuzz");
  }

  @AfterContainer
  static void removeDir() throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Property(tries = 1000)
  void everyDamagedTemplateEndsInATemplateExceptionNamingTheLine(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 3) int damage) throws Exception {
    check(seed, damage);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void everyDamagedTemplateEndsInATemplateExceptionNamingTheLineSlowProfile(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int damage) throws Exception {
    check(seed, damage);
  }

  private static void check(long seed, int damage) throws Exception {
    Random rnd = new Random(seed);
    String template = templates.get(rnd.nextInt(templates.size()));
    byte[] bytes = template.getBytes(StandardCharsets.UTF_8);
    for (int d = 0; d < damage; d++) {
      bytes = rnd.nextInt(3) == 0 ? Hostile.damage(bytes, rnd) : insertHazard(bytes, rnd);
    }
    Path folder = Files.createDirectories(dir.resolve("t" + seed));
    Path file = folder.resolve("chat_template.jinja");
    Files.write(file, bytes);
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("messages", rnd.nextInt(8) == 0 ? List.of() : MESSAGES);
    vars.put("add_generation_prompt", rnd.nextBoolean());
    if (rnd.nextInt(3) == 0) {
      vars.put("tools", TOOLS);
    }
    byte[] shown = bytes;
    try {
      String outcome = assertTimeoutPreemptively(PER_TRY, () -> {
        try {
          ChatTemplate t = ChatTemplate.load(folder);
          t.render(vars);
          return "rendered";
        } catch (TemplateException e) {
          assertTrue(e.line() > 0 || e.kind() == TemplateException.Kind.RAISED, "the error names the template"
              + " line: " + e.getMessage() + " in:\n" + preview(shown));
          return e.kind().toString();
        } catch (IllegalArgumentException e) {
          if (e.getMessage() == null || !e.getMessage().startsWith(file.toString())) {
            throw new AssertionError("an IllegalArgumentException that names no file on:\n" + preview(shown), e);
          }
          return "not UTF-8";
        } catch (IOException | RuntimeException | Error other) {
          throw new AssertionError("an undocumented " + other + " on:\n" + preview(shown), other);
        }
      });
      Statistics.collect(outcome);
    } finally {
      Files.delete(file);
      Files.delete(folder);
    }
  }

  /**
   * One hazard inserted into the template: half the time at the start of a line, where it runs as a statement of its
   * own, else at a random character, where it mostly breaks the syntax around it.
   */
  private static byte[] insertHazard(byte[] b, Random rnd) {
    String s = new String(b, StandardCharsets.UTF_8);
    int at = s.isEmpty() ? 0 : rnd.nextInt(s.length());
    if (rnd.nextBoolean()) {
      at = s.lastIndexOf('\n', at) + 1;
    }
    if (at > 0 && at < s.length() && Character.isLowSurrogate(s.charAt(at))) {
      at--;
    }
    return (s.substring(0, at) + HAZARDS[rnd.nextInt(HAZARDS.length)] + s.substring(at))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String preview(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() <= 3000 ? s : s.substring(0, 3000) + "... (" + s.length() + " chars)";
  }

  // ---- the stated limits, each just past its default -------------------------------------------------------------

  private static TemplateException limit(String source) {
    return assertThrows(TemplateException.class, () -> ChatTemplate.of(source, Map.of()).render(List.of(), false));
  }

  @Example
  void eachRenderLimitFiresJustPastItsDefaultNamingTheLine() {
    RenderLimits d = RenderLimits.defaults();
    assertEquals(new RenderLimits(200, 100_000, 10_000_000, Duration.ofSeconds(5)), d);
    // depth: 200 nested brackets parse (the expression itself is one level), 201 do not
    ChatTemplate.of("{{ " + "(".repeat(d.maxDepth() - 2) + "1" + ")".repeat(d.maxDepth() - 2) + " }}", Map.of());
    TemplateException e = limit("\n{{ " + "(".repeat(d.maxDepth() + 1) + "1" + ")".repeat(d.maxDepth() + 1) + " }}");
    assertEquals(RenderLimits.Limit.DEPTH, e.limit().orElseThrow());
    assertEquals(2, e.line());
    // loop steps: exactly the limit runs, one more does not
    ChatTemplate.of("{% for i in range(" + d.maxLoopIterations() + ") %}{% endfor %}", Map.of())
        .render(List.of(), false);
    e = limit("\n\n{% for i in range(" + d.maxLoopIterations() + ") %}{% endfor %}{% for i in [1] %}{% endfor %}");
    assertEquals(RenderLimits.Limit.LOOP_ITERATIONS, e.limit().orElseThrow());
    assertEquals(3, e.line());
    // output: exactly the limit is written, one more char is not
    assertEquals(d.maxOutputChars(), ChatTemplate.of("{{ 'x' * " + d.maxOutputChars() + " }}", Map.of())
        .render(List.of(), false).text().length());
    e = limit("{{ 'x' * " + d.maxOutputChars() + " }}{{ 'y' }}");
    assertEquals(RenderLimits.Limit.OUTPUT_CHARS, e.limit().orElseThrow());
    assertTrue(e.line() > 0, e.getMessage());
  }

  /**
   * The wall time is read every 64 statements, loop steps and filter calls, and before each operation that may take
   * milliseconds (a big int's power, product or digits, a string of megabytes), so a render stops within one such
   * operation of its limit. A 100 ms limit here, to keep the suite fast; the default is 5 s.
   */
  @Example
  void theWallTimeLimitStopsARenderWithinOneExpensiveOperation() {
    Duration limit = Duration.ofMillis(100);
    ChatTemplate t = ChatTemplate.of("{% for i in range(99999) %}{{ (2 ** 600000) | string | length }}{% endfor %}",
        Map.of(), TransformersJinja.environment().withLimits(RenderLimits.defaults().withMaxWallTime(limit)));
    long t0 = System.nanoTime();
    TemplateException e = assertTimeoutPreemptively(PER_TRY, () -> assertThrows(TemplateException.class,
        () -> t.render(List.of(), false)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(RenderLimits.Limit.WALL_TIME, e.limit().orElseThrow(), e.getMessage());
    assertTrue(ms < 5_000, "stopped after " + ms + " ms");
    assertEquals(1, e.line());
  }

  /** Found by the property: a power whose result has millions of digits took minutes, uninterruptible. */
  @Example
  void intsPastTheirSizeAreAnOverflowErrorBeforeTheyAreComputed() {
    for (String expr : List.of("3 ** 100000000", "2 ** 1048577", "(2 ** 1000000) * (2 ** 1000000)")) {
      TemplateException e = assertTimeoutPreemptively(PER_TRY, () -> limit("\n{{ " + expr + " }}"));
      assertEquals(TemplateException.Kind.TYPE, e.kind());
      assertTrue(e.getMessage().startsWith("template line 2: OverflowError: "), e.getMessage());
    }
    assertEquals("1", ChatTemplate.of("{{ 1 ** 10 ** 30 }}", Map.of()).render(List.of(), false).text());
    assertEquals("True", ChatTemplate.of("{{ 2 ** 1048576 > 0 }}", Map.of()).render(List.of(), false).text(),
        "an int of exactly MAX_INT_BITS is computed");
  }
}
