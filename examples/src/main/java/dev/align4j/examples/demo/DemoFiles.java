package dev.align4j.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.Verdict;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's top-level files: {@code summary.json}, {@code samples.jsonl} (judged completions of every stage),
 * {@code metrics.jsonl} (every stage's metrics in one file) and the report.
 */
public final class DemoFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoFiles() {}

  public static void write(DemoResult r, Path dir) throws IOException {
    write(r, Optional.empty(), Optional.empty(), dir);
  }

  /** The main part's files, with the Constitutional AI and loop parts' numbers beside them when they ran too. */
  public static void write(DemoResult r, Optional<CaiResult> cai, Optional<LoopResult> loop, Path dir)
      throws IOException {
    ObjectNode summary = r.summary();
    cai.ifPresent(c -> summary.set("cai", c.summary()));
    loop.ifPresent(l -> summary.set("loop", l.summary()));
    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("summary.json").toFile(),
        summary);
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("samples.jsonl"), StandardCharsets.UTF_8)) {
      for (Map.Entry<String, StageOutcome> e : r.stages().entrySet()) {
        List<String> samples = e.getValue().samples();
        for (int i = 0; i < samples.size(); i++) {
          Task t = r.evaluator().taskOf(i);
          Verdict v = new dev.align4j.core.task.TaskWorld(dev.align4j.core.task.TaskConfig.defaults())
              .judge(t, samples.get(i));
          ObjectNode o = JSON.createObjectNode();
          o.put("stage", e.getKey()).put("family", t.family().label()).put("prompt", t.prompt())
              .put("answer", t.answer()).put("completion", samples.get(i)).put("gold", v.gold())
              .put("content_correct", v.contentCorrect()).put("filler", v.filler());
          w.write(JSON.writeValueAsString(o));
          w.newLine();
        }
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
      for (String stage : new String[] {"sft", "rm", "ppo", "grpo", "dpo", "beta0", "cai/sft_raw", "cai/sft_cai",
          "cai/rm_human", "cai/grpo_human", "cai/rm_cai", "cai/grpo_cai"}) {
        Path m = dir.resolve(stage).resolve("metrics.jsonl");
        if (Files.isRegularFile(m)) {
          for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
            w.write(line);
            w.newLine();
          }
        }
      }
    }
    DemoReport.write(r, cai, loop, dir);
  }

  /**
   * The files of a run of the Constitutional AI part alone: {@code summary.json} with its {@code cai} object and a
   * {@code report.html} of that section (each stage's run folder, {@code revise/} and {@code label/} are under
   * {@code cai/}).
   */
  public static void writeCai(CaiResult cai, Path dir) throws IOException {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("seed", cai.settings().seed());
    summary.set("cai", cai.summary());
    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("summary.json").toFile(),
        summary);
    DemoReport.writeCai(cai, dir);
  }

  /** The files of a run of the loop part alone: {@code summary.json} with its {@code loop} object and the report. */
  public static void writeLoop(LoopResult loop, Path dir) throws IOException {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("seed", loop.settings().seed());
    summary.set("loop", loop.summary());
    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("summary.json").toFile(),
        summary);
    DemoReport.writeLoop(loop, dir);
  }
}
