package dev.align4j.core.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per logged step with {@code step}, {@code stage}, {@code time_s}, then the
 * metric keys. Each line is flushed, so a killed run keeps what it logged; on resume, lines past the checkpoint are
 * cut so that replayed steps are not logged twice.
 */
public final class MetricsLog implements TrainingListener, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final BufferedWriter out;

  private MetricsLog(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  static MetricsLog open(Path file, String stage, long keepUpToStep) throws IOException {
    if (Files.exists(file)) {
      List<String> kept = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          var node = JSON.readTree(line);
          if (node.path("step").asLong(Long.MAX_VALUE) <= keepUpToStep) {
            kept.add(line);
          }
        } catch (IOException truncatedLastLine) {
          // a line cut by a kill is dropped with the rest of the replayed steps
        }
      }
      // rewritten through a temporary file: a kill or a full disk here must not lose the steps already logged
      AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
    }
    return new MetricsLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND));
  }

  @Override
  public void onStep(StepMetrics m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("step", m.step());
    o.put("stage", m.stage());
    o.put("time_s", Math.round(m.seconds() * 1000) / 1000.0);
    m.values().forEach((k, v) -> {
      if (Double.isFinite(v)) {
        o.put(k, v);
      } else {
        o.put(k, String.valueOf(v));
      }
    });
    String line = null;
    try {
      line = JSON.writeValueAsString(o);
      out.write(line);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      // a line cut by a full disk is dropped on resume like one cut by a kill (see open)
      long bytes = line == null ? 0 : line.getBytes(StandardCharsets.UTF_8).length + 1L;
      throw new UncheckedIOException(AtomicFiles.explain(e, file, bytes, false));
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
