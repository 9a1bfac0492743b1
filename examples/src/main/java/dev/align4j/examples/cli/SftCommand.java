package dev.align4j.examples.cli;

import dev.align4j.api.data.Demonstration;
import dev.align4j.core.data.DataFiles;
import dev.align4j.core.data.Dataset;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.core.AlignModel;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.TrainingResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code align sft}: supervised fine-tuning on a TRL-format JSONL file. */
@Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Supervised fine-tuning: loss on completion tokens only (prompt, system and user turns masked).",
        "Data: JSONL lines {\"prompt\": ..., \"completion\": ...} (strings or message lists) or {\"messages\": [...]}.",
        "Writes OUT/final as a Hugging Face folder; rerunning with the same --out resumes."})
final class SftCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions model;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training JSONL.")
  Path data;

  @Option(names = "--eval-data", paramLabel = "FILE", description = "Held-out JSONL for eval/loss and "
      + "eval/mean_token_accuracy.")
  Path evalData;

  @Option(names = "--eval-split", defaultValue = "0.0", description = "Without --eval-data, hold out this share of "
      + "--data, chosen with --seed (default: ${DEFAULT-VALUE}).")
  double evalSplit;

  @Option(names = "--loss-type", description = "nll (cross-entropy) or dft (Dynamic "
      + "Fine-Tuning) (default: ${DEFAULT-VALUE}).")
  String lossType;

  @Option(names = "--packing", description = "Pack several examples per row (attention and positions restart per "
      + "example) (default: ${DEFAULT-VALUE}).")
  boolean packing;

  @Option(names = "--drop-duplicates", description = "Drop repeated lines instead of only counting them "
      + "(default: ${DEFAULT-VALUE}).")
  boolean dropDuplicates;

  @Mixin
  TrainingOptions training;

  @Mixin
  PeftOptions peft;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    SftConfig config = ConfigMapping.sft(this);
    DataFiles.Dedup dedup = dropDuplicates ? DataFiles.Dedup.DROP : DataFiles.Dedup.KEEP;
    Dataset<Demonstration> all = DataFiles.demonstrations(data, dedup);
    List<Demonstration> train = all.examples();
    List<Demonstration> eval = List.of();
    if (evalData != null) {
      eval = DataFiles.demonstrations(evalData, dedup).examples();
    } else if (evalSplit > 0) {
      Dataset.Split<Demonstration> split = all.split(evalSplit, config.training().seed());
      train = split.train();
      eval = split.eval();
    }
    long total = config.training().totalSteps(train.size());
    try (AlignModel base = model.loadModel();
        TrainablePolicy policy = peft.policy(base, model);
        TrainingResult<TrainablePolicy> r = runOptions.applyTo(SftTrainer.of(config), spec)
            .listener(new Progress("sft", total, 1, config.training().logEvery())).train(policy, train, eval)) {
      System.err.println("sft: " + r.steps() + " steps; final " + (peft.usePeft ? "adapter (PEFT)" : "model")
          + " in " + runOptions.out.resolve("final"));
      if (!r.initialEval().isEmpty()) {
        System.err.printf(Locale.ROOT, "sft: held-out loss %.4f -> %.4f, token accuracy %.3f -> %.3f%n",
            r.initialEval().get("eval/loss"), r.metric("eval/loss"),
            r.initialEval().get("eval/mean_token_accuracy"), r.metric("eval/mean_token_accuracy"));
      }
    }
    return 0;
  }
}
