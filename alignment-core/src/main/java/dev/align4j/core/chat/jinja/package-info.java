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
 *
 * <p>Templates are untrusted code: a chat template arrives inside a downloaded {@code tokenizer_config.json}.
 * transformers renders in jinja2's sandbox, which forbids mutation and caps {@code range()} at 100,000 items (both
 * ported here), and Python's recursion limit stops a macro that calls itself. This interpreter does at least that:
 * every compile and render runs under the {@link dev.align4j.core.chat.jinja.RenderLimits} of its
 * {@link dev.align4j.core.chat.jinja.Environment}, checked as it goes, not by a watchdog thread.
 *
 * <ul>
 *   <li>{@code maxDepth} (default 200): how deeply blocks, expressions, filters and macro calls nest, counted while
 *       parsing (10,000 {@code (} stop at the 200th) and while rendering (a macro that calls itself stops after
 *       about 100 calls);
 *   <li>{@code maxLoopIterations} (default 100,000): for-loop steps in one render, all loops together;
 *   <li>{@code maxOutputChars} (default 10,000,000): the length of the output and of any string the template
 *       builds; {@code 'x' * 10**12} is refused before it is built;
 *   <li>{@code maxWallTime} (default 5 s): read from {@link System#nanoTime()} every 64 statements, loop steps and
 *       filter calls, and before each operation that may take milliseconds (a big int's power, product or digits, a
 *       string of more than 65,536 chars), so a loop that writes nothing stops too, within one such operation.
 * </ul>
 *
 * <p>Besides these, a template computes ints of at most 2<sup>20</sup> bits (315,652 digits): one BigInteger
 * operation cannot be interrupted, and {@code 3 ** 100000000} would take minutes; going over is an
 * {@code OverflowError} of kind {@link dev.align4j.core.chat.jinja.TemplateException.Kind#TYPE}.
 *
 * <p>Going over one ends in a {@link dev.align4j.core.chat.jinja.TemplateException} of kind
 * {@link dev.align4j.core.chat.jinja.TemplateException.Kind#LIMIT} whose message names the limit, its value, the
 * template line and the {@code RenderLimits} wither that raises it, e.g. {@code template line 1: the template takes
 * more than maxLoopIterations = 100000 for-loop steps in one render; if you trust the template, raise it with
 * RenderLimits.withMaxLoopIterations(...)}. A {@link StackOverflowError} that the depth count does not foresee (the
 * repr of a list nested 50,000 deep by a loop, a thread with a tiny stack) ends in the same kind of error, naming the
 * line being rendered. Qwen3's published template, for a conversation of 10,000 messages, reaches depth 12, takes
 * 20,000 loop steps and writes 494,000 characters in about 20 ms; {@code RenderLimits} says why each default is what
 * it is.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.chat.jinja;

import dev.align4j.api.Internal;
