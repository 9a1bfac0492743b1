package dev.align4j.core.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code OUT} of a loop: {@code config.json} (the settings a rerun must match), {@code iter-K/}, and the two summaries
 * rewritten after each finished iteration, {@code loop_metrics.jsonl} and {@code loop_state.json}.
 */
final class LoopFolder {
  /** The reply cache of a chat judge, kept in OUT so a rerun repeats no call. */
  static final String CHAT_CACHE = "chat-cache.jsonl";

  private final Path root;

  private LoopFolder(Path root) {
    this.root = root;
  }

  /**
   * Opens {@code out}, creating it. A new folder gets {@code config.json}; an existing loop must have been started
   * with the same settings, since its finished steps would otherwise mix two configurations.
   */
  static LoopFolder open(Path out, Map<String, Object> settings) throws IOException {
    Path root = out.toAbsolutePath().normalize();
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new IOException("--out " + out + " is a file; give a folder");
    }
    Files.createDirectories(root);
    Path config = root.resolve("config.json");
    JsonNode wanted = LoopFiles.JSON.readTree(LoopFiles.JSON.writeValueAsString(settings));
    if (Files.exists(config)) {
      JsonNode found = LoopFiles.readJson(config);
      if (!found.equals(wanted)) {
        TreeSet<String> differ = new TreeSet<>();
        found.fieldNames().forEachRemaining(differ::add);
        wanted.fieldNames().forEachRemaining(differ::add);
        differ.removeIf(k -> found.path(k).equals(wanted.path(k)));
        List<String> shown = new ArrayList<>();
        differ.forEach(k -> shown.add(k + ": " + found.path(k) + " then, " + wanted.path(k) + " now"));
        throw new IllegalArgumentException("--out " + out + " holds a loop started with other settings (" + shown
            + "); rerun with the same settings to resume it, or choose another folder");
      }
    } else {
      try (Stream<Path> s = Files.list(root)) {
        // A judge's reply cache may be opened in OUT before the loop starts (the command line does so).
        if (s.map(p -> p.getFileName().toString()).anyMatch(n -> !n.startsWith(".") && !n.equals(CHAT_CACHE))) {
          throw new IOException("--out " + out + " already holds files that are not an align4j loop; choose an"
              + " empty folder");
        }
      }
      LoopFiles.writeJson(config, wanted);
    }
    return new LoopFolder(root);
  }

  Path root() {
    return root;
  }

  IterationFiles iteration(int k) {
    return new IterationFiles(root.resolve("iter-" + k));
  }

  /** Rewrites {@code loop_metrics.jsonl} from the finished iterations and {@code loop_state.json}. */
  void writeSummary(List<Map<String, Object>> metrics, int finished, Path policy, Path rm, int spent)
      throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    metrics.forEach(m -> lines.add(LoopFiles.JSON.valueToTree(m)));
    LoopFiles.writeJsonl(root.resolve("loop_metrics.jsonl"), lines);
    ObjectNode state = LoopFiles.object().put("iterations_finished", finished)
        .put("policy", policy == null ? "sft" : root.relativize(policy).toString())
        .put("reward_model", root.relativize(rm).toString()).put("labels_spent", spent);
    LoopFiles.writeJson(root.resolve("loop_state.json"), state);
  }
}
