package dev.align4j.core.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.core.data.TextLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The human labeller's two files: the pairs the loop writes, the labels people write back. */
final class HumanLabelFiles {
  private HumanLabelFiles() {}

  static void writeRequests(Path file, List<CandidatePair> pairs) throws IOException {
    List<ObjectNode> lines = new ArrayList<>();
    for (CandidatePair p : pairs) {
      ObjectNode n = LoopFiles.object().put("id", p.id());
      n.set("prompt", LoopFiles.text(p.prompt()));
      n.putArray("completions").add(p.first()).add(p.second());
      lines.add(n);
    }
    LoopFiles.writeJsonl(file, lines);
  }

  /**
   * Reads people's labels: exactly one line per pair. Each error names the file, line and field, and what to write.
   */
  static List<LoopLabel> readLabels(Path file, List<CandidatePair> pairs) throws IOException {
    Map<String, LoopLabel> byId = new LinkedHashMap<>();
    Map<String, CandidatePair> wanted = new LinkedHashMap<>();
    pairs.forEach(p -> wanted.put(p.id(), p));
    for (TextLines.Line l : TextLines.read(file)) {
      int number = l.number();
      String line = l.text();
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = LoopFiles.JSON.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw error(file, number, null, "not a JSON object (" + e.getOriginalMessage() + ")");
      }
      if (!n.isObject()) {
        throw error(file, number, null, "expected a JSON object, got " + n.getNodeType());
      }
      JsonNode id = n.get("id");
      if (id == null || !id.isTextual()) {
        throw error(file, number, "id", "missing or not a string; copy the id of the pair from to_label.jsonl");
      }
      String key = id.asText();
      if (!wanted.containsKey(key)) {
        throw error(file, number, "id", "'" + key + "' is not a pair of " + file.resolveSibling(
            LoopLabeller.Human.TO_LABEL) + "; label only the pairs listed there");
      }
      if (byId.containsKey(key)) {
        throw error(file, number, "id", "'" + key + "' is labelled twice; keep one line per pair");
      }
      byId.put(key, new LoopLabel(key, probability(file, number, n)));
    }
    List<String> missing = wanted.keySet().stream().filter(k -> !byId.containsKey(k)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + missing.size() + " of " + wanted.size() + " pairs have no"
          + " label: " + (missing.size() > 10 ? missing.subList(0, 10) + " …" : missing) + "; label every pair of "
          + file.resolveSibling(LoopLabeller.Human.TO_LABEL));
    }
    List<LoopLabel> out = new ArrayList<>();
    pairs.forEach(p -> out.add(byId.get(p.id())));
    return out;
  }

  private static double probability(Path file, int number, JsonNode n) {
    JsonNode label = n.get("label");
    JsonNode p = n.get("p");
    if ((label == null) == (p == null)) {
      throw error(file, number, "label", "give exactly one of \"label\": 0|1 (the index of the better completion)"
          + " or \"p\": x (the probability that completion 0 is better)");
    }
    if (label != null) {
      if (!label.isInt() || (label.asInt() != 0 && label.asInt() != 1)) {
        throw error(file, number, "label", "expected 0 or 1 (the index of the better completion), got " + label);
      }
      return label.asInt() == 0 ? 1.0 : 0.0;
    }
    if (!p.isNumber() || !(p.asDouble() >= 0 && p.asDouble() <= 1)) {
      throw error(file, number, "p", "expected a number in [0, 1] (the probability that completion 0 is better),"
          + " got " + p);
    }
    return p.asDouble();
  }

  private static IllegalArgumentException error(Path file, int line, String field, String problem) {
    return new IllegalArgumentException(file + ":" + line + (field == null ? "" : ": field '" + field + "'") + ": "
        + problem);
  }
}
