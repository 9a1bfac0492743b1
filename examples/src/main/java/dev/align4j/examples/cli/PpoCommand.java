package dev.align4j.examples.cli;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import dev.align4j.core.run.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code align ppo}: PPO with a value model, GAE and a KL leash to the starting policy. */
@Command(name = "ppo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"PPO: sample from the policy, score with a reward model and/or verifiable rewards, update with "
        + "a clipped surrogate, a value model and a KL penalty to the starting (SFT) policy.",
        "Writes OUT/final (policy) and OUT/final-value (value model)."})
final class PpoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions model;

  @Mixin
  RlOptions rl;

  @Option(names = "--beta", defaultValue = "0.05", description = "KL coefficient; 0.04-0.2 is the documented range, "
      + "0 removes the leash (default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--value-model", paramLabel = "DIR", description = "Where the value model starts (default: the "
      + "reward model if given, else the policy with a new head).")
  Path valueModel;

  @Option(names = "--ppo-epochs", defaultValue = "4", description = "Passes over each batch (default: "
      + "${DEFAULT-VALUE}).")
  int ppoEpochs;

  @Option(names = "--num-mini-batches", defaultValue = "1", description = "Optimizer steps per pass (default: "
      + "${DEFAULT-VALUE}).")
  int numMiniBatches;

  @Option(names = "--cliprange", defaultValue = "0.2", description = "Policy clip range (default: ${DEFAULT-VALUE}).")
  double cliprange;

  @Option(names = "--cliprange-value", defaultValue = "0.2", description = "Value clip range (default: "
      + "${DEFAULT-VALUE}).")
  double cliprangeValue;

  @Option(names = "--vf-coef", defaultValue = "0.1", description = "Value-loss weight (default: ${DEFAULT-VALUE}).")
  double vfCoef;

  @Option(names = "--gamma", defaultValue = "1.0", description = "Discount (default: ${DEFAULT-VALUE}).")
  double gamma;

  @Option(names = "--lam", defaultValue = "0.95", description = "GAE lambda (default: ${DEFAULT-VALUE}).")
  double lam;

  @Option(names = "--kl-estimator", defaultValue = "k1", description = "k1 or k3 (default: ${DEFAULT-VALUE}).")
  String klEstimator;

  @Option(names = "--score-at", defaultValue = "last-token", description = "last-token (the paper) or trl (TRL's "
      + "first padding slot, for parity) (default: ${DEFAULT-VALUE}).")
  String scoreAt;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    KlEstimator est = switch (klEstimator.toLowerCase(Locale.ROOT)) {
      case "k1" -> KlEstimator.K1;
      case "k3" -> KlEstimator.K3;
      default -> throw new IllegalArgumentException("--kl-estimator must be k1 or k3, got " + klEstimator);
    };
    ScorePlacement placement = switch (scoreAt.toLowerCase(Locale.ROOT)) {
      case "last-token" -> ScorePlacement.LAST_RESPONSE_TOKEN;
      case "trl" -> ScorePlacement.AFTER_RESPONSE_TRL;
      default -> throw new IllegalArgumentException("--score-at must be last-token or trl, got " + scoreAt);
    };
    PpoConfig config = new PpoConfig(rl.toArgs(beta), ppoEpochs, numMiniBatches, cliprange, cliprangeValue, vfCoef,
        gamma, lam, est, placement);
    List<AutoCloseable> toClose = new ArrayList<>();
    try {
      var rewards = rl.rewardSources(toClose);
      Path valueInit = valueModel != null ? valueModel : rl.rewardModel != null ? rl.rewardModel : model.model;
      PpoTrainer.Result r = new PpoTrainer(config).train(model.model, valueInit, rl.promptData(), rewards,
          runOptions.open(), RunOptions.resolved(spec), List.of(new Progress("ppo", config.rl().maxSteps(), 1,
              config.rl().logEvery())));
      System.err.printf(Locale.ROOT, "ppo: reward/mean %.4f, kl/reference %.4f; policy in %s, value model in %s%n",
          r.metrics().get("reward/mean"), r.metrics().get("kl/reference"), r.finalPolicy(), r.finalValue());
      return 0;
    } finally {
      for (AutoCloseable c : toClose) {
        c.close();
      }
    }
  }
}
