package dev.align4j.examples.cli;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.core.data.DataFiles;
import dev.align4j.core.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --data}, {@code --eval-data}, {@code --eval-split}, {@code --drop-duplicates} for preference data. */
final class PreferenceDataOptions {
  @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training JSONL: {\"prompt\", "
      + "\"chosen\", \"rejected\"} (strings or message lists), optional \"margin\" and \"p_chosen\".")
  Path data;

  @Option(names = "--eval-data", paramLabel = "FILE", description = "Held-out preference JSONL.")
  Path evalData;

  @Option(names = "--eval-split", defaultValue = "0.0", description = "Without --eval-data, hold out this share of "
      + "--data, chosen with --seed (default: ${DEFAULT-VALUE}).")
  double evalSplit;

  @Option(names = "--drop-duplicates", description = "Drop repeated pairs and pairs whose chosen equals rejected "
      + "instead of only counting them (default: ${DEFAULT-VALUE}).")
  boolean dropDuplicates;

  /** Training data and evaluation data (empty without any). */
  record Loaded(List<PreferencePair> train, List<PreferencePair> eval) {}

  Loaded load(long seed) throws IOException {
    DataFiles.Dedup dedup = dropDuplicates ? DataFiles.Dedup.DROP : DataFiles.Dedup.KEEP;
    Dataset<PreferencePair> all = DataFiles.preferences(data, dedup);
    if (evalData != null) {
      return new Loaded(all.examples(), DataFiles.preferences(evalData, dedup).examples());
    }
    if (evalSplit > 0) {
      Dataset.Split<PreferencePair> s = all.split(evalSplit, seed);
      return new Loaded(s.train(), s.eval());
    }
    return new Loaded(all.examples(), List.of());
  }
}
