/**
 * A Jinja interpreter that renders the jinja2 subset Hugging Face chat templates use, byte for byte as Python's
 * jinja2 3.1 does: the lexer's whitespace control, the parser's operator precedence, Python value semantics
 * ({@link dev.align4j.core.chat.jinja.Py}), str/dict/list methods, and the built-in filters, tests and globals.
 *
 * <p>Why not an existing Java engine: HubSpot's Jinjava 2.8.4 (the maintained one on Maven Central) was probed with
 * Qwen3's template under its most jinja2-like settings (all modern {@code LegacyOverrides}, trim/lstrip blocks). Its
 * expression parser (a JUEL grammar, wired into {@code Jinjava}'s constructor) rejects {@code messages[::-1]} and
 * parses {@code namespace(x=messages|length - 1)} as {@code (x=messages|length) - 1}; Java's {@code String.split}
 * (regex, trailing empties dropped) stands in for Python's; there is no {@code startswith}/{@code lstrip}; and
 * {@code None}/{@code True} print as {@code ""}/{@code true}. The parser differences cannot be closed with filters,
 * tests, globals or configuration, so a small interpreter whose every rule is ported from jinja2's source is the
 * honest way to be byte-exact. Unsupported constructs fail with the template line, never silently.
 */
package dev.align4j.core.chat.jinja;
