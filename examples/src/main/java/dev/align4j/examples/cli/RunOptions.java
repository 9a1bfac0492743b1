package dev.align4j.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.run.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** {@code --out}, {@code --overwrite} and {@code --config} of the stage commands. */
final class RunOptions {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder: config.json, "
      + "metrics.jsonl, checkpoints/, final/. An existing run resumes from its newest checkpoint.")
  Path out;

  @Option(names = "--overwrite", description = "Delete what --out holds and start fresh (default: ${DEFAULT-VALUE}).")
  boolean overwrite;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON or YAML file of option values (keys are the "
      + "option names); options on the command line override it.")
  Path config;

  RunFolder open() throws IOException {
    return RunFolder.open(out, overwrite ? RunFolder.Mode.OVERWRITE : RunFolder.Mode.RESUME_OR_NEW);
  }

  /** Every option of {@code spec} with its resolved value, defaults included: enough to rerun. */
  static ObjectNode resolved(CommandSpec spec) {
    ObjectNode o = JsonOut.object();
    o.put("command", "align " + spec.name());
    for (OptionSpec opt : spec.options()) {
      String name = opt.longestName().replaceFirst("^--", "");
      if (name.equals("help") || name.equals("version")) {
        continue;
      }
      Object v = opt.getValue();
      if (v == null) {
        o.putNull(name);
      } else if (v instanceof Double || v instanceof Float) {
        o.put(name, ((Number) v).doubleValue());
      } else if (v instanceof Number n) {
        o.put(name, n.longValue());
      } else if (v instanceof Boolean b) {
        o.put(name, b);
      } else if (v instanceof java.util.List<?> list) {
        var a = o.putArray(name);
        list.forEach(x -> a.add(String.valueOf(x)));
      } else {
        o.put(name, v.toString());
      }
    }
    return o;
  }
}
