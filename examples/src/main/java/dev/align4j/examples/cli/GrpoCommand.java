package dev.align4j.examples.cli;

import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.Prompt;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoTrainer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code align grpo}: group-relative policy optimisation, no value model. */
@Command(name = "grpo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"GRPO: sample --num-generations completions per prompt, use the group's rewards as the "
        + "baseline, update with the GRPO loss (k3 KL to the starting policy when --beta > 0).",
        "Writes OUT/final."})
final class GrpoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions model;

  @Mixin
  RlOptions rl;

  @Option(names = "--beta", description = "KL coefficient; 0 loads no reference "
      + "(default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--num-generations", description = "Completions per prompt "
      + "(default: ${DEFAULT-VALUE}).")
  int numGenerations;

  @Option(names = "--loss-type", description = "grpo, bnpo, dr_grpo, dapo, luspo, cispo, sapo "
      + "or vespo (default: ${DEFAULT-VALUE}).")
  String lossType;

  @Option(names = "--epsilon", description = "Lower clip range (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(names = "--epsilon-high", description = "Upper clip range (default: --epsilon; DAPO uses 0.28).")
  Double epsilonHigh;

  @Option(names = "--delta", description = "Cap on the ratio (two-sided clipping; default: none).")
  Double delta;

  @Option(names = "--scale-rewards", description = "group, batch or none "
      + "(default: ${DEFAULT-VALUE}).")
  String scaleRewards;

  @Option(names = "--multi-objective-aggregation", description = "With several "
      + "rewards: sum_then_normalize or normalize_then_sum (default: ${DEFAULT-VALUE}).")
  String aggregation;

  @Option(names = "--importance-sampling-level", description = "token or sequence (GSPO) "
      + "(default: ${DEFAULT-VALUE}).")
  String importanceSampling;

  @Option(names = "--num-iterations", description = "Updates per batch (default: "
      + "${DEFAULT-VALUE}).")
  int numIterations;

  @Option(names = "--num-mini-batches", description = "Optimizer steps per pass (default: "
      + "${DEFAULT-VALUE}).")
  int numMiniBatches;

  @Mixin
  PeftOptions peft;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    GrpoConfig config = ConfigMapping.grpo(this);
    List<Prompt> prompts = rl.promptData();
    try (AlignModel base = model.loadModel();
        TrainablePolicy policy = peft.policy(base, model);
        AlignRewardModel rewardModel = rl.loadRewardModel()) {
      GrpoTrainer trainer = runOptions.applyTo(GrpoTrainer.of(config), spec)
          .listener(new Progress("grpo", config.rl().maxSteps(), 1, config.rl().logEvery()));
      if (rewardModel != null) {
        trainer = trainer.rewardModel(rewardModel, rl.rewardModelWeight());
      }
      for (var f : rl.functions()) {
        trainer = trainer.rewardFunction(f.getKey(), f.getValue());
      }
      try (TrainingResult<TrainablePolicy> r = trainer.train(policy, prompts)) {
        System.err.printf(Locale.ROOT, "grpo: reward/mean %.4f; policy in %s%n", r.metric("reward/mean"),
            runOptions.out.resolve("final"));
      }
    }
    return 0;
  }
}
