package dev.align4j.core.data;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Readers for TRL's dataset types. Unknown extra fields are allowed (datasets carry ids and metadata); missing or
 * malformed required fields fail with the file, line and field.
 */
public final class DataFiles {
  private DataFiles() {}

  /** What to do with duplicates and useless pairs. */
  public enum Dedup {
    /** Keep everything and report the counts (the default: nothing disappears unasked). */
    KEEP,
    /** Drop exact duplicates and pairs whose chosen equals rejected, and report how many. */
    DROP
  }

  /**
   * SFT data: {@code {"prompt", "completion"}} (strings, or message lists) or {@code {"messages": [...]}}.
   */
  public static Dataset<Demonstration> demonstrations(Path file, Dedup dedup) throws IOException {
    List<Demonstration> out = new ArrayList<>();
    Set<Demonstration> seen = new HashSet<>();
    int duplicates = 0;
    int dropped = 0;
    List<JsonlLines.Line> lines = JsonlLines.read(file);
    for (JsonlLines.Line line : lines) {
      Demonstration d;
      if (line.has("messages")) {
        List<Message> ms = line.messages("messages", line.node().get("messages"));
        if (ms.stream().noneMatch(Message::isAssistant)) {
          throw line.error("messages", "no assistant message: nothing to learn from",
              "a conversation needs at least one {\"role\": \"assistant\"} turn");
        }
        d = new Demonstration.Conversation(ms);
      } else if (line.has("prompt") || line.has("completion")) {
        Text prompt = line.text("prompt");
        Text completion = line.text("completion");
        if (!Text.sameForm(prompt, completion)) {
          throw line.error("completion", "prompt and completion must both be strings or both be message lists",
              null);
        }
        d = new Demonstration.PromptCompletion(prompt, completion);
      } else {
        throw line.error(null, "neither 'messages' nor 'prompt'/'completion' found",
            "SFT lines look like {\"prompt\": ..., \"completion\": ...} or {\"messages\": [...]}");
      }
      if (!seen.add(d)) {
        duplicates++;
        if (dedup == Dedup.DROP) {
          dropped++;
          continue;
        }
      }
      out.add(d);
    }
    return new Dataset<>(out, new DataReport(lines.size(), duplicates, 0, dropped));
  }

  /**
   * Preference data: {@code {"prompt", "chosen", "rejected"}} plain or conversational, with an optional
   * {@code margin} (a finite number) and an optional soft label {@code p_chosen} (a number in [0, 1]: the probability
   * that chosen is preferred, as a constitutional labeller writes it). {@code null} counts as absent for both.
   */
  public static Dataset<PreferencePair> preferences(Path file, Dedup dedup) throws IOException {
    List<PreferencePair> out = new ArrayList<>();
    Set<PreferencePair> seen = new HashSet<>();
    int duplicates = 0;
    int ties = 0;
    int dropped = 0;
    List<JsonlLines.Line> lines = JsonlLines.read(file);
    for (JsonlLines.Line line : lines) {
      Text prompt = line.text("prompt");
      Text chosen = line.text("chosen");
      Text rejected = line.text("rejected");
      if (!Text.sameForm(prompt, chosen) || !Text.sameForm(prompt, rejected)) {
        throw line.error("chosen", "prompt, chosen and rejected must all be strings or all be message lists", null);
      }
      OptionalDouble margin = OptionalDouble.empty();
      if (line.has("margin")) {
        var m = line.node().get("margin");
        if (!m.isNumber() || !Double.isFinite(m.asDouble())) {
          throw line.error("margin", "expected a finite number, got " + m, null);
        }
        margin = OptionalDouble.of(m.asDouble());
      }
      OptionalDouble pChosen = OptionalDouble.empty();
      if (line.has("p_chosen")) {
        var v = line.node().get("p_chosen");
        // the range check is written so that NaN would fail too (JSON has no NaN, but a lenient writer may differ)
        if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
          throw line.error("p_chosen", "expected a number in [0, 1] (the probability that chosen is preferred to "
              + "rejected), got " + v, "write for example \"p_chosen\": 0.73, or leave the field out for a hard label");
        }
        pChosen = OptionalDouble.of(v.asDouble());
      }
      PreferencePair p = new PreferencePair(prompt, chosen, rejected, margin, pChosen);
      boolean tie = p.isTie();
      boolean duplicate = !seen.add(p);
      ties += tie ? 1 : 0;
      duplicates += duplicate ? 1 : 0;
      if (dedup == Dedup.DROP && (tie || duplicate)) {
        dropped++;
        continue;
      }
      out.add(p);
    }
    return new Dataset<>(out, new DataReport(lines.size(), duplicates, ties, dropped));
  }

  /**
   * Prompt-only data for online RL: {@code {"prompt": ...}} plus any other fields (e.g. {@code answer} for an
   * exact-match reward), kept as strings.
   */
  public static Dataset<Prompt> prompts(Path file) throws IOException {
    List<Prompt> out = new ArrayList<>();
    List<JsonlLines.Line> lines = JsonlLines.read(file);
    for (JsonlLines.Line line : lines) {
      Text prompt = line.text("prompt");
      Map<String, String> fields = new LinkedHashMap<>();
      line.node().properties().forEach(e -> {
        if (!e.getKey().equals("prompt") && !e.getValue().isNull()) {
          fields.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
      });
      out.add(new Prompt(prompt, fields));
    }
    return new Dataset<>(out, new DataReport(lines.size(), 0, 0, 0));
  }

  /**
   * Pairs to label: {@code {"prompt": str|messages, "completions": [a, b]}} with an optional {@code "id"} (string;
   * default {@code line-N}) and an optional reference {@code "label": 0|1} (the index of the better completion).
   * Completions are strings (the assistant's reply, for a conversational prompt).
   */
  public static Dataset<LabelRequest> labelRequests(Path file) throws IOException {
    List<LabelRequest> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<JsonlLines.Line> lines = JsonlLines.read(file);
    for (JsonlLines.Line line : lines) {
      Text prompt = line.text("prompt");
      var completions = line.node().get("completions");
      if (completions == null || !completions.isArray() || completions.size() != 2 || !completions.get(0).isTextual()
          || !completions.get(1).isTextual()) {
        throw line.error("completions", "expected a list of exactly two strings, got "
            + (completions == null ? "nothing" : completions.toString()), "write \"completions\": [\"a\", \"b\"]");
      }
      String id = line.has("id") ? line.string("id") : "line-" + line.number();
      if (!ids.add(id)) {
        throw line.error("id", "repeats id " + id, "give every pair its own id");
      }
      OptionalInt label = OptionalInt.empty();
      if (line.has("label")) {
        var l = line.node().get("label");
        if (!l.isInt() || (l.asInt() != 0 && l.asInt() != 1)) {
          throw line.error("label", "expected 0 or 1 (the index of the better completion), got " + l, null);
        }
        label = OptionalInt.of(l.asInt());
      }
      out.add(new LabelRequest(new CandidatePair(id, prompt, completions.get(0).asText(),
          completions.get(1).asText()), label));
    }
    return new Dataset<>(out, new DataReport(lines.size(), 0, 0, 0));
  }
}
