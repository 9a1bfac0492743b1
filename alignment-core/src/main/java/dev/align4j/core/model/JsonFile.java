package dev.align4j.core.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The JSON files of a Hugging Face or PEFT folder ({@code config.json}, {@code tokenizer_config.json},
 * {@code generation_config.json}, {@code special_tokens_map.json}, {@code adapter_config.json}) read whole, with every
 * failure an {@link IOException} whose message starts with the file, and with the line and column where the parser
 * stopped: {@code FILE:LINE:COLUMN: not valid JSON: ...}. Jackson's own exceptions name no file, and for its limits
 * (nesting deeper than 1000, a number of more than 1000 digits, a string of more than 20,000,000 chars: the
 * {@code StreamReadConstraints} defaults, which are the limits of these files) no line either.
 */
public final class JsonFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFile() {}

  /**
   * The file's document, which must be an object.
   *
   * @throws IOException naming the file: when it cannot be read, is not JSON, goes over one of Jackson's limits or
   *     holds something other than an object
   */
  public static ObjectNode readObject(Path file) throws IOException {
    JsonNode root;
    try (JsonParser p = JSON.createParser(file.toFile())) {
      try {
        root = JSON.readTree(p);
      } catch (JsonProcessingException e) {
        // Jackson's limits raise without a location: the parser's is where it stopped.
        JsonLocation l = e.getLocation() != null ? e.getLocation() : p.currentLocation();
        throw new IOException(file + (l == null || l.getLineNr() < 1 ? "" : ":" + l.getLineNr() + ":"
            + Math.max(1, l.getColumnNr())) + ": not valid JSON: " + e.getOriginalMessage(), e);
      }
    } catch (CharConversionException e) {
      // Jackson takes a file that starts with NUL bytes for UTF-32, and then finds it is not
      throw new IOException(file + ": not valid JSON: not UTF-8 text (" + e.getMessage() + ")", e);
    }
    if (!(root instanceof ObjectNode o)) {
      throw new IOException(file + ": expected a JSON object, found " + (root == null ? "an empty file"
          : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
    }
    return o;
  }
}
