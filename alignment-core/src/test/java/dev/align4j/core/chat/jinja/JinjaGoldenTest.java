package dev.align4j.core.chat.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.chat.JsonValues;
import dev.align4j.core.chat.TransformersJinja;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The interpreter against Python: {@code chat/golden.json} holds what jinja2 3.1.6, set up as transformers sets it up,
 * renders for the templates in {@code chat/templates/} and for about 60 snippets (values, operators, slices, string
 * methods, loops, scoping, macros, filters, tests, whitespace control, errors). {@code chat/generate.py} regenerates
 * it. Renders and generation spans must be identical; errors must be of the same class, with the same message for
 * runtime errors and the same line for syntax errors.
 */
class JinjaGoldenTest {
  private static final Environment ENV = TransformersJinja.environment();

  @TestFactory
  Stream<DynamicTest> templatesRenderAsJinja2Does() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : golden().get("templates")) {
      String source = resource("/chat/templates/" + c.get("template").asText());
      tests.add(DynamicTest.dynamicTest(c.get("template").asText() + " " + c.get("name").asText(),
          () -> check(source, c)));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> snippetsRenderAsJinja2Does() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : golden().get("snippets")) {
      tests.add(DynamicTest.dynamicTest("snippet " + c.get("id").asInt() + ": " + c.get("template").asText(),
          () -> check(c.get("template").asText(), c)));
    }
    return tests.stream();
  }

  @SuppressWarnings("unchecked")
  private static void check(String source, JsonNode c) {
    Map<String, Object> vars = (Map<String, Object>) JsonValues.toValue(c.get("variables"));
    if (c.has("error")) {
      TemplateException e = assertThrows(TemplateException.class, () -> ENV.compile(source).render(vars));
      String pyClass = c.get("error").asText();
      assertTrue(kinds(pyClass).contains(e.kind()), "Python raised " + pyClass + ", align4j " + e.kind() + ": "
          + e.getMessage());
      if (pyClass.equals("TemplateSyntaxError")) {
        assertEquals(c.get("line").asInt(), e.line(), e.getMessage());
      } else {
        assertEquals(c.get("message").asText(), e.detail());
      }
      return;
    }
    Rendered r = ENV.compile(source).render(vars);
    assertEquals(c.get("rendered").asText(), r.text());
    List<List<Integer>> spans = new ArrayList<>();
    for (Rendered.Span s : r.generationSpans()) {
      // golden offsets are Python str indices (code points)
      spans.add(List.of(r.text().codePointCount(0, s.start()), r.text().codePointCount(0, s.end())));
    }
    List<List<Integer>> expected = new ArrayList<>();
    c.get("generation_spans").forEach(s -> expected.add(List.of(s.get(0).asInt(), s.get(1).asInt())));
    assertEquals(expected, spans, "generation spans");
  }

  private static Set<TemplateException.Kind> kinds(String pythonClass) {
    switch (pythonClass) {
      case "UndefinedError": return Set.of(TemplateException.Kind.UNDEFINED);
      case "SecurityError": return Set.of(TemplateException.Kind.SECURITY);
      case "TemplateSyntaxError": return Set.of(TemplateException.Kind.SYNTAX);
      // raise_exception raises TemplateError; jinja2's own runtime errors (TemplateRuntimeError) are its subclass
      case "TemplateError": return Set.of(TemplateException.Kind.RAISED, TemplateException.Kind.TYPE);
      default: return Set.of(TemplateException.Kind.TYPE);
    }
  }

  private static JsonNode golden() throws IOException {
    return new ObjectMapper().readTree(resource("/chat/golden.json"));
  }

  static String resource(String path) throws IOException {
    try (InputStream in = JinjaGoldenTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
