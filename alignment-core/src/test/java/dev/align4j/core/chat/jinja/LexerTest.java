package dev.align4j.core.chat.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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
  void readingTimeGrowsLinearlyWithTheNumberOfTags() {
    // searching the rest of the source for "{#" at every tag took 8 s for these 100,000 tags (700 KB); now 0.2 s
    String source = "{{ 1 }}".repeat(100_000);
    String text = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> render(source));
    assertEquals(100_000, text.length());
  }
}
