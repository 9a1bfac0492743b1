package dev.align4j.core.cai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed constitution file: its tree, and the line and column where each element of the tree starts, so that an
 * error found while reading the tree can point into the file. Jackson's trees carry no locations, hence the second,
 * streaming pass over the text.
 */
final class SourceFile {
  /** How the text is parsed, chosen from the file name. */
  enum Syntax {
    JSON, YAML;

    /** YAML for names ending in {@code .yaml} or {@code .yml}; JSON for every other name. */
    static Syntax of(String fileName) {
      String n = fileName.toLowerCase(Locale.ROOT);
      return n.endsWith(".yaml") || n.endsWith(".yml") ? YAML : JSON;
    }

    ObjectMapper mapper() {
      return this == YAML ? YAML_MAPPER : JSON_MAPPER;
    }

    /**
     * The largest file read. YAML: 1 MiB, because SnakeYAML's reader slows down with the square of a line's length
     * (on 2 cores a 1 MiB line takes about a second, a 3 MiB one 8 s, an 8 MiB one half a minute) and its own
     * document limit ({@code LoaderOptions.codePointLimit}, 3 Mi code points) misses a long comment. JSON: 64 MiB, as
     * a data file's line ({@code TextLines.MAX_LINE_BYTES}); Jackson reads it in linear time.
     */
    int maxBytes() {
      return this == YAML ? 1 << 20 : 64 << 20;
    }
  }

  // Strict: a repeated key would otherwise keep only its last value, and trailing content (a second YAML document,
  // a second JSON value) would be dropped without a word.
  private static final ObjectMapper JSON_MAPPER = strict(new JsonFactory());
  private static final ObjectMapper YAML_MAPPER = strict(new YAMLFactory());

  private final String source;
  private final JsonNode root;
  private final Map<String, Position> positions;

  private SourceFile(String source, JsonNode root, Map<String, Position> positions) {
    this.source = source;
    this.root = root;
    this.positions = positions;
  }

  private static ObjectMapper strict(JsonFactory factory) {
    return new ObjectMapper(factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  }

  /**
   * Parses {@code text}.
   *
   * @param source the file's name for messages
   * @param text the whole file
   * @param syntax JSON or YAML
   * @throws ConstitutionFileException for a syntax error (with its line and column) or an empty document
   */
  static SourceFile parse(String source, String text, Syntax syntax) throws ConstitutionFileException {
    JsonNode root;
    try (JsonParser p = syntax.mapper().createParser(text)) {
      try {
        root = syntax.mapper().readTree(p);
      } catch (JsonProcessingException e) {
        // Jackson's limits (nesting depth, number and string length) raise without a location: the parser's is it.
        throw syntaxError(source, syntax, e, e.getLocation() != null ? e.getLocation() : p.currentLocation());
      }
    } catch (ConstitutionFileException e) {
      throw e;
    } catch (IOException e) {
      // the text is in memory: only the parser's own checks can fail, and they raise JsonProcessingExceptions
      throw new IllegalStateException("reading " + source + " from memory failed", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConstitutionFileException(source, null, "$", "expected a constitution, found an empty document",
          null, null);
    }
    Map<String, Position> positions = new HashMap<>();
    try (JsonParser p = syntax.mapper().getFactory().createParser(text)) {
      p.nextToken();
      scan(p, Element.ROOT, positions);
    } catch (IOException e) {
      // readTree accepted this very text a moment ago, so the streaming pass cannot fail on it.
      throw new IllegalStateException("second pass over " + source + " failed after the first succeeded", e);
    }
    return new SourceFile(source, root, positions);
  }

  private static ConstitutionFileException syntaxError(String source, Syntax syntax, JsonProcessingException e,
      JsonLocation l) {
    return new ConstitutionFileException(source, l == null || l.getLineNr() < 1 ? null
        : new Position(l.getLineNr(), Math.max(1, l.getColumnNr())), null, "not valid " + syntax + ": "
        + e.getOriginalMessage(), syntax == Syntax.JSON ? "files not named *.yaml or *.yml are read as JSON" : null, e);
  }

  /** Records where the value at the parser's current token, and every value inside it, starts. */
  private static void scan(JsonParser p, String path, Map<String, Position> positions) throws IOException {
    JsonLocation l = p.currentTokenLocation();
    positions.put(path, new Position(l.getLineNr(), l.getColumnNr()));
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        scan(p, Element.childPath(path, key), positions);
      }
    } else if (t == JsonToken.START_ARRAY) {
      for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
        scan(p, Element.indexPath(path, i), positions);
      }
    }
  }

  /** The file's name for messages. */
  String source() {
    return source;
  }

  /** The document's root element. */
  Element root() {
    return new Element(this, Element.ROOT, root);
  }

  /** Where the element at {@code jsonPath} starts; null when the path names no element of the file. */
  Position position(String jsonPath) {
    return positions.get(jsonPath);
  }
}
