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

/**
 * The demo's top-level files: {@code summary.json}, {@code samples.jsonl} (judged completions of every stage),
 * {@code metrics.jsonl} (every stage's metrics in one file) and the report.
 */
public final class DemoFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoFiles() {}

  public static void write(DemoResult r, Path dir) throws IOException {
    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("summary.json").toFile(),
        r.summary());
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
      for (String stage : new String[] {"sft", "rm", "ppo", "grpo", "dpo", "beta0"}) {
        Path m = dir.resolve(stage).resolve("metrics.jsonl");
        if (Files.isRegularFile(m)) {
          for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
            w.write(line);
            w.newLine();
          }
        }
      }
    }
    DemoReport.write(r, dir);
  }
}
