package dev.align4j.core.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Prompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code OUT/iter-K/}: one file (or folder) per finished step, each written atomically, so its presence is the step's
 * marker. In step order: {@code prompts.jsonl}, {@code samples.jsonl}, {@code before.json} and
 * {@code candidates.jsonl}, {@code selected.jsonl}, {@code labelling.json} and {@code labels_resolved.jsonl}, {@code
 * rm/} (the refreshed members; {@code rm-train/} holds their resumable runs meanwhile), {@code policy/} ({@code rl/}
 * holds the RL run), {@code metrics.json}.
 */
record IterationFiles(Path dir) {
  Path prompts() {
    return dir.resolve("prompts.jsonl");
  }

  Path samples() {
    return dir.resolve("samples.jsonl");
  }

  Path before() {
    return dir.resolve("before.json");
  }

  Path candidates() {
    return dir.resolve("candidates.jsonl");
  }

  Path selected() {
    return dir.resolve("selected.jsonl");
  }

  Path labelling() {
    return dir.resolve("labelling.json");
  }

  Path labels() {
    return dir.resolve("labels_resolved.jsonl");
  }

  Path rmTrain() {
    return dir.resolve("rm-train");
  }

  Path rm() {
    return dir.resolve("rm");
  }

  Path rl() {
    return dir.resolve("rl");
  }

  Path policy() {
    return dir.resolve("policy");
  }

  /** The refreshed SFT model, after iterations M, 2M, … when {@code sft-every} is M. */
  Path sft() {
    return dir.resolve("sft");
  }

  /** The SFT refresh's run folder while it trains (resumable). */
  Path sftTrain() {
    return dir.resolve("sft-train");
  }

  Path metrics() {
    return dir.resolve("metrics.json");
  }

  /** A folder's temporary twin, where it is built before the rename that publishes it. */
  Path building(Path folder) {
    return folder.resolveSibling("." + folder.getFileName() + ".tmp");
  }

  /**
   * Deletes what a killed run left half-written: every dot-named entry (the loop's and the model writers'
   * temporaries; nothing else in the folder starts with a dot).
   */
  void deleteTemporaries() throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
        LoopFiles.deleteTree(p);
      }
    }
  }

  // ---- prompts and samples ----------------------------------------------------------------------------------------

  void writePrompts(List<Prompt> prompts) throws IOException {
    List<ObjectNode> lines = new ArrayList<>();
    for (Prompt p : prompts) {
      ObjectNode n = LoopFiles.object();
      n.set("prompt", LoopFiles.text(p.prompt()));
      new java.util.TreeMap<>(p.fields()).forEach(n::put);
      lines.add(n);
    }
    LoopFiles.writeJsonl(prompts(), lines);
  }

  List<Prompt> readPrompts() throws IOException {
    List<Prompt> out = new ArrayList<>();
    for (JsonNode n : LoopFiles.readJsonl(prompts())) {
      Map<String, String> fields = new LinkedHashMap<>();
      n.properties().forEach(e -> {
        if (!e.getKey().equals("prompt")) {
          fields.put(e.getKey(), e.getValue().asText());
        }
      });
      out.add(new Prompt(LoopFiles.text(n.get("prompt")), fields));
    }
    return out;
  }

  void writeSamples(List<List<String>> samples) throws IOException {
    List<ObjectNode> lines = new ArrayList<>();
    for (int p = 0; p < samples.size(); p++) {
      ObjectNode n = LoopFiles.object().put("prompt_index", p);
      ArrayNode a = n.putArray("completions");
      samples.get(p).forEach(a::add);
      lines.add(n);
    }
    LoopFiles.writeJsonl(samples(), lines);
  }

  List<List<String>> readSamples() throws IOException {
    List<List<String>> out = new ArrayList<>();
    for (JsonNode n : LoopFiles.readJsonl(samples())) {
      List<String> s = new ArrayList<>();
      n.get("completions").forEach(c -> s.add(c.asText()));
      out.add(s);
    }
    return out;
  }

  // ---- candidates and selection -----------------------------------------------------------------------------------

  static ObjectNode candidate(Candidate c) {
    ObjectNode n = LoopFiles.object().put("id", c.id());
    n.set("prompt", LoopFiles.text(c.prompt()));
    n.put("first", c.first()).put("second", c.second());
    ArrayNode m = n.putArray("margins");
    for (double v : c.margins()) {
      m.add(v);
    }
    n.put("p_first", c.preferenceProbability());
    return n;
  }

  static Candidate candidate(JsonNode n) {
    return new Candidate(n.get("id").asText(), LoopFiles.text(n.get("prompt")), n.get("first").asText(),
        n.get("second").asText(), LoopFiles.doubles(n.get("margins")));
  }

  void writeCandidates(Path file, List<Candidate> candidates) throws IOException {
    LoopFiles.writeJsonl(file, candidates.stream().map(IterationFiles::candidate).toList());
  }

  List<Candidate> readCandidates(Path file) throws IOException {
    return LoopFiles.readJsonl(file).stream().map(IterationFiles::candidate).toList();
  }

  // ---- labels -----------------------------------------------------------------------------------------------------

  void writeLabels(LabelOutcome.Labelled labelled, String labeller) throws IOException {
    ObjectNode report = LoopFiles.object().put("labeller", labeller).put("labelled", labelled.labels().size());
    ObjectNode dropped = report.putObject("dropped");
    new java.util.TreeMap<>(labelled.dropped()).forEach(dropped::put);
    LoopFiles.writeJson(labelling(), report);
    LoopFiles.writeJsonl(labels(), labelled.labels().stream()
        .map(l -> LoopFiles.object().put("id", l.id()).put("p_first", l.pFirst())).toList());
  }

  List<LoopLabel> readLabels() throws IOException {
    return LoopFiles.readJsonl(labels()).stream()
        .map(n -> new LoopLabel(n.get("id").asText(), n.get("p_first").asDouble())).toList();
  }

  int droppedLabels() throws IOException {
    int sum = 0;
    for (JsonNode v : LoopFiles.readJson(labelling()).get("dropped")) {
      sum += v.asInt();
    }
    return sum;
  }

  // ---- reward-model members ---------------------------------------------------------------------------------------

  /** Writes the members into {@code rm/member-i} through a temporary folder and one rename. */
  void writeEnsemble(RewardEnsemble ensemble) throws IOException {
    Path tmp = building(rm());
    LoopFiles.deleteTree(tmp);
    for (int i = 0; i < ensemble.members().size(); i++) {
      ensemble.members().get(i).save(tmp.resolve("member-" + i));
    }
    LoopFiles.publishFolder(tmp, rm());
  }

  /** The members saved in {@code folder}, as an ensemble ({@link RewardEnsemble#load}). */
  static RewardEnsemble readEnsemble(Path folder, Conservative conservative) throws IOException {
    return RewardEnsemble.load(folder, conservative);
  }
}
