package dev.align4j.examples.cli;

import dev.align4j.api.RewardFunction;
import dev.align4j.api.data.Prompt;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.data.DataFiles;
import dev.align4j.core.rl.BuiltinRewards;
import dev.align4j.core.rl.RlArgs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  @Option(names = "--max-steps", description = "RL iterations (default: ${DEFAULT-VALUE}).")
  long maxSteps;

  @Option(names = "--learning-rate", description = "Peak learning rate "
      + "(default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--batch-size", description = "Prompts per iteration "
      + "(default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-new-tokens", description = "Completion budget "
      + "(default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", description = "Sampling temperature "
      + "(default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", description = "Top-k sampling, 0 off (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--top-p", description = "Nucleus sampling, 1 off (default: "
      + "${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--target-kl", description = "Adapt beta toward this KL per sequence (Ziegler et al.); default: "
      + "fixed beta.")
  Double targetKl;

  @Option(names = "--missing-eos-penalty", description = "Subtracted from the score of completions without EOS "
      + "(default: none).")
  Double missingEosPenalty;

  @Option(names = "--warmup-ratio", description = "Learning-rate warm-up share "
      + "(default: ${DEFAULT-VALUE}).")
  double warmupRatio;

  @Option(names = "--lr-scheduler-type", description = "constant, linear or cosine "
      + "(default: ${DEFAULT-VALUE}).")
  String scheduler;

  @Option(names = "--max-grad-norm", description = "Global-norm clip, 0 off "
      + "(default: ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(names = "--logging-steps", description = "Log every N iterations "
      + "(default: ${DEFAULT-VALUE}).")
  int loggingSteps;

  @Option(names = "--save-steps", description = "Checkpoint every N iterations, 0 only at the "
      + "end (default: ${DEFAULT-VALUE}).")
  int saveSteps;

  @Option(names = "--save-total-limit", description = "Newest checkpoints kept "
      + "(default: ${DEFAULT-VALUE}).")
  int saveTotalLimit;

  @Option(names = "--threads", description = "PyTorch intra-op threads, 0 default "
      + "(default: ${DEFAULT-VALUE}).")
  int threads;

  /** Puts the options onto PPO's or GRPO's config builder (see {@link ConfigMapping}). */
  <B extends RlArgs.AbstractBuilder<B>> B applyTo(B b) {
    b.learningRate(learningRate).maxSteps(maxSteps).batchSize(batchSize).seed(seed).maxNewTokens(maxNewTokens)
        .temperature(temperature).topK(topK).topP(topP).warmupRatio(warmupRatio)
        .schedule(ConfigMapping.schedule(scheduler)).maxGradNorm(maxGradNorm).logEvery(loggingSteps)
        .saveEvery(saveSteps).keepCheckpoints(saveTotalLimit).threads(threads);
    if (targetKl != null) {
      b.targetKl(targetKl);
    }
    if (missingEosPenalty != null) {
      b.missingEosPenalty(missingEosPenalty);
    }
    return b;
  }

  /** The prompts of {@code --prompts}. */
  List<Prompt> promptData() throws IOException {
    return DataFiles.prompts(prompts).examples();
  }

  /** The reward model of {@code --reward-model}, or null; the caller closes it. */
  AlignRewardModel loadRewardModel() throws IOException {
    return rewardModel == null ? null : AlignRewardModel.load(rewardModel);
  }

  /**
   * The built-in rewards of {@code --reward} with their {@code --reward-weights} (the reward model's weight first),
   * as (function, weight) pairs; the reward model's weight is {@link #rewardModelWeight}.
   */
  List<java.util.Map.Entry<RewardFunction, Double>> functions() {
    int n = (rewardModel == null ? 0 : 1) + rewards.size();
    if (!rewardWeights.isEmpty() && rewardWeights.size() != n) {
      throw new IllegalArgumentException("--reward-weights has " + rewardWeights.size() + " values for " + n
          + " rewards (the reward model first, then each --reward in order)");
    }
    List<java.util.Map.Entry<RewardFunction, Double>> out = new ArrayList<>();
    int k = rewardModel == null ? 0 : 1;
    for (String r : rewards) {
      out.add(java.util.Map.entry(BuiltinRewards.parse(r), rewardWeights.isEmpty() ? 1.0 : rewardWeights.get(k)));
      k++;
    }
    return out;
  }

  /** The reward model's weight. */
  double rewardModelWeight() {
    return rewardWeights.isEmpty() ? 1.0 : rewardWeights.get(0);
  }
}
