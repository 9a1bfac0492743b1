package dev.align4j.examples.cli;

import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.grpo.ImportanceSampling;
import dev.align4j.core.run.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
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

  @Option(names = "--beta", defaultValue = "0.04", description = "KL coefficient; 0 loads no reference "
      + "(default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--num-generations", defaultValue = "8", description = "Completions per prompt "
      + "(default: ${DEFAULT-VALUE}).")
  int numGenerations;

  @Option(names = "--loss-type", defaultValue = "grpo", description = "grpo, bnpo, dr_grpo, dapo, luspo, cispo, sapo "
      + "or vespo (default: ${DEFAULT-VALUE}).")
  String lossType;

  @Option(names = "--epsilon", defaultValue = "0.2", description = "Lower clip range (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(names = "--epsilon-high", description = "Upper clip range (default: --epsilon; DAPO uses 0.28).")
  Double epsilonHigh;

  @Option(names = "--delta", description = "Cap on the ratio (two-sided clipping; default: none).")
  Double delta;

  @Option(names = "--scale-rewards", defaultValue = "group", description = "group, batch or none "
      + "(default: ${DEFAULT-VALUE}).")
  String scaleRewards;

  @Option(names = "--multi-objective-aggregation", defaultValue = "sum_then_normalize", description = "With several "
      + "rewards: sum_then_normalize or normalize_then_sum (default: ${DEFAULT-VALUE}).")
  String aggregation;

  @Option(names = "--importance-sampling-level", defaultValue = "token", description = "token or sequence (GSPO) "
      + "(default: ${DEFAULT-VALUE}).")
  String importanceSampling;

  @Option(names = "--num-iterations", defaultValue = "1", description = "Updates per batch (default: "
      + "${DEFAULT-VALUE}).")
  int numIterations;

  @Option(names = "--num-mini-batches", defaultValue = "1", description = "Optimizer steps per pass (default: "
      + "${DEFAULT-VALUE}).")
  int numMiniBatches;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    int maxNew = rl.maxNewTokens;
    GrpoLossType type = switch (lossType) {
      case "grpo" -> new GrpoLossType.Grpo();
      case "bnpo" -> new GrpoLossType.Bnpo();
      case "dr_grpo" -> new GrpoLossType.DrGrpo(maxNew);
      case "dapo" -> new GrpoLossType.Dapo();
      case "luspo" -> new GrpoLossType.Luspo();
      case "cispo" -> new GrpoLossType.Cispo();
      case "sapo" -> new GrpoLossType.Sapo(1.0, 1.05);
      case "vespo" -> new GrpoLossType.Vespo(2.0, 3.0, 3.0, 2.0);
      default -> throw new IllegalArgumentException("--loss-type '" + lossType + "' is not a GRPO loss; see --help");
    };
    RewardScaling scaling = switch (scaleRewards.toLowerCase(Locale.ROOT)) {
      case "group", "true" -> RewardScaling.GROUP;
      case "batch" -> RewardScaling.BATCH;
      case "none", "false" -> RewardScaling.NONE;
      default -> throw new IllegalArgumentException("--scale-rewards must be group, batch or none, got "
          + scaleRewards);
    };
    MultiRewardAggregation agg = switch (aggregation) {
      case "sum_then_normalize" -> MultiRewardAggregation.SUM_THEN_NORMALIZE;
      case "normalize_then_sum" -> MultiRewardAggregation.NORMALIZE_THEN_SUM;
      default -> throw new IllegalArgumentException("--multi-objective-aggregation must be sum_then_normalize or "
          + "normalize_then_sum, got " + aggregation);
    };
    ImportanceSampling is = switch (importanceSampling) {
      case "token" -> ImportanceSampling.TOKEN;
      case "sequence" -> ImportanceSampling.SEQUENCE;
      default -> throw new IllegalArgumentException("--importance-sampling-level must be token or sequence, got "
          + importanceSampling);
    };
    GrpoConfig config = new GrpoConfig(rl.toArgs(beta), numGenerations, type, epsilon,
        epsilonHigh == null ? epsilon : epsilonHigh, delta == null ? OptionalDouble.empty()
        : OptionalDouble.of(delta), scaling, agg, is, numIterations, numMiniBatches);
    List<AutoCloseable> toClose = new ArrayList<>();
    try {
      var rewards = rl.rewardSources(toClose);
      GrpoTrainer.Result r = new GrpoTrainer(config).train(model.model, rl.promptData(), rewards, runOptions.open(),
          RunOptions.resolved(spec), List.of(new Progress("grpo", config.rl().maxSteps(), 1,
              config.rl().logEvery())));
      System.err.printf(Locale.ROOT, "grpo: reward/mean %.4f; policy in %s%n", r.metrics().get("reward/mean"),
          r.finalPolicy());
      return 0;
    } finally {
      for (AutoCloseable c : toClose) {
        c.close();
      }
    }
  }
}
