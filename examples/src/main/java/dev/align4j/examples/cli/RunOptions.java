package dev.align4j.examples.cli;

import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** The trainer with this run folder and the command's options recorded in its {@code config.json}. */
  <T extends Trainer<T>> T applyTo(T trainer, CommandSpec spec) {
    return trainer.runFolder(out, overwrite ? RunMode.OVERWRITE : RunMode.RESUME_OR_NEW).record(resolved(spec));
  }

  /** Every option of {@code spec} with its resolved value, defaults included: enough to rerun. */
  static Map<String, Object> resolved(CommandSpec spec) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("command", "align " + spec.name());
    for (OptionSpec opt : spec.options()) {
      String name = opt.longestName().replaceFirst("^--", "");
      if (name.equals("help") || name.equals("version")) {
        continue;
      }
      Object v = opt.getValue();
      if (v == null || v instanceof Number || v instanceof Boolean) {
        o.put(name, v);
      } else if (v instanceof java.util.List<?> list) {
        List<String> items = new ArrayList<>();
        list.forEach(x -> items.add(String.valueOf(x)));
        o.put(name, items);
      } else {
        o.put(name, v.toString());
      }
    }
    return o;
  }
}
