package dev.align4j.core.chat.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.chat.TransformersJinja;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading source that a hostile or merely unusual template can hold: long literals and very many tags. */
class LexerTest {
  private static String render(String source) {
    return TransformersJinja.environment().compile(source).render(Map.of()).text();
  }

  @Test
  void aStringLiteralWithManyEscapesIsRead() {
    // java.util.regex overflowed the stack on jinja2's string_re from about 2,000 escapes
    assertEquals("100000", render("{{ '" + "\\n".repeat(100_000) + "'|length }}"));
    assertEquals("a\"b\\c", render("{{ \"a\\\"b\\\\c\" }}"));
    assertEquals("it's", render("{{ 'it\\'s' }}"));
    TemplateException e = assertThrows(TemplateException.class, () -> render("{{ 'unterminated\\' }}"));
    assertEquals(TemplateException.Kind.SYNTAX, e.kind(), e.getMessage());
  }

  @Test
  void aNumberLiteralTooLongForTheRegexEngineIsALimitErrorWithItsLine() {
    TemplateException e = assertThrows(TemplateException.class, () -> render("\n\n{{ " + "1".repeat(50_000)
        + " }}"));
    assertEquals(TemplateException.Kind.LIMIT, e.kind(), e.getMessage());
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("-Xss"), e.getMessage());
  }

  @Test
  void readingTimeGrowsLinearlyWithTheNumberOfTags() {
    // searching the rest of the source for "{#" at every tag made this quadratic: 100,000 tags took 8 s, so these
    // 150,000 (1 MB) took some 18 s; now about 0.5 s, and the bound leaves room for a busy machine
    String source = "{{ 1 }}".repeat(150_000);
    Template t = assertTimeoutPreemptively(Duration.ofSeconds(6), () -> TransformersJinja.environment()
        .compile(source));
    assertEquals(150_000, t.render(Map.of()).text().length());
  }
}
