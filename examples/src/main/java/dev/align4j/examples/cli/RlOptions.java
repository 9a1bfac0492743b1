package dev.align4j.examples.cli;

import dev.align4j.api.RewardFunction;
import dev.align4j.core.data.DataFiles;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.PromptExample;
import dev.align4j.core.rl.BuiltinRewards;
import dev.align4j.core.rl.RewardSources;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.TransformerRewardModel;
import dev.align4j.core.train.ScheduleKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import picocli.CommandLine.Option;

/** The options {@code align ppo} and {@code align grpo} share. */
final class RlOptions {
  @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Prompt JSONL: {\"prompt\": "
      + "...} plus any fields the rewards read (e.g. \"answer\").")
  Path prompts;

  @Option(names = "--reward-model", paramLabel = "DIR", description = "A reward-model folder (from align rm).")
  Path rewardModel;

  @Option(names = "--reward", paramLabel = "NAME", description = "A built-in reward, repeatable: exact (the "
      + "completion equals the line's answer) or contains:TEXT.")
  List<String> rewards = new ArrayList<>();

  @Option(names = "--reward-weights", split = ",", description = "Weights of the rewards: the reward model first, "
      + "then each --reward in order (default: 1 each).")
  List<Double> rewardWeights = new ArrayList<>();

  @Option(names = "--max-steps", defaultValue = "100", description = "RL iterations (default: ${DEFAULT-VALUE}).")
  long maxSteps;

  @Option(names = "--learning-rate", defaultValue = "1e-5", description = "Peak learning rate "
      + "(default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--batch-size", defaultValue = "16", description = "Prompts per iteration "
      + "(default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-new-tokens", defaultValue = "64", description = "Completion budget "
      + "(default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature "
      + "(default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", defaultValue = "0", description = "Top-k sampling, 0 off (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling, 1 off (default: "
      + "${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--target-kl", description = "Adapt beta toward this KL per sequence (Ziegler et al.); default: "
      + "fixed beta.")
  Double targetKl;

  @Option(names = "--missing-eos-penalty", description = "Subtracted from the score of completions without EOS "
      + "(default: none).")
  Double missingEosPenalty;

  @Option(names = "--warmup-ratio", defaultValue = "0.0", description = "Learning-rate warm-up share "
      + "(default: ${DEFAULT-VALUE}).")
  double warmupRatio;

  @Option(names = "--lr-scheduler-type", defaultValue = "constant", description = "constant, linear or cosine "
      + "(default: ${DEFAULT-VALUE}).")
  String scheduler;

  @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Global-norm clip, 0 off "
      + "(default: ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(names = "--logging-steps", defaultValue = "1", description = "Log every N iterations "
      + "(default: ${DEFAULT-VALUE}).")
  int loggingSteps;

  @Option(names = "--save-steps", defaultValue = "50", description = "Checkpoint every N iterations, 0 only at the "
      + "end (default: ${DEFAULT-VALUE}).")
  int saveSteps;

  @Option(names = "--save-total-limit", defaultValue = "2", description = "Newest checkpoints kept "
      + "(default: ${DEFAULT-VALUE}).")
  int saveTotalLimit;

  @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads, 0 default "
      + "(default: ${DEFAULT-VALUE}).")
  int threads;

  RlArgs toArgs(double beta) {
    ScheduleKind kind;
    try {
      kind = ScheduleKind.valueOf(scheduler.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--lr-scheduler-type must be constant, linear or cosine, got " + scheduler);
    }
    return new RlArgs(learningRate, maxSteps, batchSize, seed, maxNewTokens, temperature, topK, topP, beta,
        targetKl == null ? OptionalDouble.empty() : OptionalDouble.of(targetKl),
        missingEosPenalty == null ? OptionalDouble.empty() : OptionalDouble.of(missingEosPenalty), warmupRatio, kind,
        maxGradNorm, loggingSteps, saveSteps, saveTotalLimit, threads);
  }

  Dataset<PromptExample> promptData() throws IOException {
    return DataFiles.prompts(prompts);
  }

  /** The rewards; the caller closes the reward model (the returned list's first element, if any). */
  RewardSources rewardSources(List<AutoCloseable> toClose) throws IOException {
    TransformerRewardModel rm = null;
    if (rewardModel != null) {
      rm = TransformerRewardModel.load(rewardModel);
      toClose.add(rm);
    }
    List<RewardFunction> functions = new ArrayList<>();
    for (String r : rewards) {
      functions.add(BuiltinRewards.parse(r));
    }
    return RewardSources.of(rm, functions, rewardWeights);
  }
}
