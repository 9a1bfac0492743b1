package dev.align4j.core.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a JSONL file into objects with their line numbers, and decodes TRL's field shapes. */
final class JsonlLines {
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** One parsed line. */
  record Line(Path file, int number, JsonNode node) {
    DataFileException error(String field, String problem, String remedy) {
      return new DataFileException(file, number, field, problem, remedy);
    }

    boolean has(String field) {
      return node.has(field) && !node.get(field).isNull();
    }

    /** A string field. */
    String string(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        throw error(field, "missing", null);
      }
      if (!v.isTextual()) {
        throw error(field, "expected a string, got " + v.getNodeType(), null);
      }
      return v.asText();
    }

    /** A field in TRL's two forms: a string, or a list of {role, content} messages. */
    Text text(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        throw error(field, "missing", null);
      }
      if (v.isTextual()) {
        return Text.plain(v.asText());
      }
      if (v.isArray()) {
        return new Text.Chat(messages(field, v));
      }
      throw error(field, "expected a string or a list of messages, got " + v.getNodeType(),
          "write \"" + field + "\": \"...\" or \"" + field + "\": [{\"role\": ..., \"content\": ...}]");
    }

    List<Message> messages(String field, JsonNode array) {
      if (!array.isArray()) {
        // found by DataFileFuzzProperties: {"messages": {"role": ...}} reached array.get(i) on an object (null)
        throw error(field, "expected a list of messages, got " + array.getNodeType(),
            "write \"" + field + "\": [{\"role\": ..., \"content\": ...}]");
      }
      if (array.isEmpty()) {
        throw error(field, "the list of messages is empty", "give at least one message");
      }
      List<Message> out = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        JsonNode m = array.get(i);
        String where = field + "[" + i + "]";
        if (!m.isObject()) {
          throw error(where, "expected an object with role and content, got " + m.getNodeType(), null);
        }
        JsonNode role = m.get("role");
        JsonNode content = m.get("content");
        if (role == null || !role.isTextual() || role.asText().isBlank()) {
          throw error(where + ".role", "missing or not a string", "each message needs a role such as \"user\"");
        }
        if (content == null || !content.isTextual()) {
          throw error(where + ".content", "missing or not a string", "each message needs its text as content");
        }
        out.add(new Message(role.asText(), content.asText()));
      }
      return out;
    }
  }

  private JsonlLines() {}

  /** Every non-blank line parsed; a malformed line fails with file and line. */
  static List<Line> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    List<Line> out = new ArrayList<>();
    for (TextLines.Line l : TextLines.read(file)) {
      if (l.text().isBlank()) {
        continue;
      }
      int n = l.number();
      JsonNode node;
      try {
        node = JSON.readTree(l.text());
      } catch (JsonProcessingException e) {
        throw new DataFileException(file, n, null, "not valid JSON: " + e.getOriginalMessage(),
            "each line must be one JSON object");
      }
      if (!node.isObject()) {
        throw new DataFileException(file, n, null, "expected a JSON object, got " + node.getNodeType(), null);
      }
      out.add(new Line(file, n, node));
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no data lines");
    }
    return out;
  }
}
