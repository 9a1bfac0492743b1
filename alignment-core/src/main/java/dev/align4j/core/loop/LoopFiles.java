package dev.align4j.core.loop;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop's file plumbing. Every step's file is written to a temporary name and renamed, so a file that exists is a
 * finished step (the step marker) and a kill never leaves half a file where a rerun would trust it.
 */
final class LoopFiles {
  static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LoopFiles() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** Writes one JSON object per line, atomically. */
  static void writeJsonl(Path file, List<? extends JsonNode> lines) throws IOException {
    AtomicFiles.write(file, out -> {
      for (JsonNode n : lines) {
        out.write(JSON.writeValueAsBytes(n));
        out.write('\n');
      }
    });
  }

  /** Writes an indented JSON document, atomically. */
  static void writeJson(Path file, Object value) throws IOException {
    AtomicFiles.write(file, out -> PRETTY.writeValue(out, value));
  }

  /** The non-blank lines of a JSONL file the loop wrote itself (a broken one is our bug or a damaged folder). */
  static List<JsonNode> readJsonl(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(JSON.readTree(line));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IOException(file + ":" + n + ": not JSON (" + e.getOriginalMessage() + "); the loop folder is"
            + " damaged: delete this file and rerun to redo its step", e);
      }
    }
    return out;
  }

  static JsonNode readJson(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  /** A prompt as TRL writes it: a string, or a list of {role, content}. */
  static JsonNode text(Text t) {
    if (t instanceof Text.Plain p) {
      return JSON.getNodeFactory().textNode(p.text());
    }
    ArrayNode a = JSON.createArrayNode();
    for (Message m : ((Text.Chat) t).messages()) {
      a.addObject().put("role", m.role()).put("content", m.content());
    }
    return a;
  }

  static Text text(JsonNode n) {
    if (n.isTextual()) {
      return Text.plain(n.asText());
    }
    List<Message> messages = new ArrayList<>();
    n.forEach(m -> messages.add(new Message(m.get("role").asText(), m.get("content").asText())));
    return new Text.Chat(messages);
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  /** Moves a finished folder into place; what a rerun finds there is complete. */
  static void publishFolder(Path tmp, Path folder) throws IOException {
    Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Deletes a folder and everything under it, if it exists. */
  static void deleteTree(Path dir) throws IOException {
    AtomicFiles.deleteTree(dir);
  }
}
