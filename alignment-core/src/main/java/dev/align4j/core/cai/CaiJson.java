package dev.align4j.core.cai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** JSON shapes and atomic writes shared by the Constitutional AI output files. */
final class CaiJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private CaiJson() {}

  /** TRL's two forms: a string, or a list of {@code {role, content}}. */
  static JsonNode text(Text t) {
    if (t instanceof Text.Plain p) {
      return JSON.getNodeFactory().textNode(p.text());
    }
    return messages(((Text.Chat) t).messages());
  }

  static ArrayNode messages(List<Message> ms) {
    ArrayNode a = JSON.createArrayNode();
    for (Message m : ms) {
      a.addObject().put("role", m.role()).put("content", m.content());
    }
    return a;
  }

  /** A number, or null for NaN (JSON has no NaN). */
  static void putNumber(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  /** Writes one JSON object per line through a temporary file and a rename, so a reader never sees half a file. */
  static void writeLines(Path file, List<? extends JsonNode> rows) throws IOException {
    AtomicFiles.write(file, out -> {
      for (JsonNode r : rows) {
        out.write(JSON.writeValueAsBytes(r));
        out.write('\n');
      }
    });
  }

  /** Writes one indented JSON document atomically. */
  static void writeDocument(Path file, JsonNode doc) throws IOException {
    AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, doc));
  }
}
