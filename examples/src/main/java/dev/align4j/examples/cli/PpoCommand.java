package dev.align4j.examples.cli;

import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.Prompt;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import java.nio.file.Path;
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

  @Option(names = "--beta", description = "KL coefficient; 0.04-0.2 is the documented range, "
      + "0 removes the leash (default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--value-model", paramLabel = "DIR", description = "Where the value model starts (default: the "
      + "reward model if given, else the policy with a new head).")
  Path valueModel;

  @Option(names = "--ppo-epochs", description = "Passes over each batch (default: "
      + "${DEFAULT-VALUE}).")
  int ppoEpochs;

  @Option(names = "--num-mini-batches", description = "Optimizer steps per pass (default: "
      + "${DEFAULT-VALUE}).")
  int numMiniBatches;

  @Option(names = "--cliprange", description = "Policy clip range (default: ${DEFAULT-VALUE}).")
  double cliprange;

  @Option(names = "--cliprange-value", description = "Value clip range (default: "
      + "${DEFAULT-VALUE}).")
  double cliprangeValue;

  @Option(names = "--vf-coef", description = "Value-loss weight (default: ${DEFAULT-VALUE}).")
  double vfCoef;

  @Option(names = "--gamma", description = "Discount (default: ${DEFAULT-VALUE}).")
  double gamma;

  @Option(names = "--lam", description = "GAE lambda (default: ${DEFAULT-VALUE}).")
  double lam;

  @Option(names = "--kl-estimator", description = "k1 or k3 (default: ${DEFAULT-VALUE}).")
  String klEstimator;

  @Option(names = "--score-at", description = "last-token (the paper) or trl (TRL's "
      + "first padding slot, for parity) (default: ${DEFAULT-VALUE}).")
  String scoreAt;

  @Mixin
  PeftOptions peft;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    PpoConfig config = ConfigMapping.ppo(this);
    List<Prompt> prompts = rl.promptData();
    try (AlignModel base = model.loadModel();
        TrainablePolicy policy = peft.policy(base, model);
        AlignRewardModel rewardModel = rl.loadRewardModel();
        AlignRewardModel value = valueModel == null ? null : AlignRewardModel.load(valueModel)) {
      PpoTrainer trainer = runOptions.applyTo(PpoTrainer.of(config), spec)
          .listener(new Progress("ppo", config.rl().maxSteps(), 1, config.rl().logEvery()));
      if (rewardModel != null) {
        trainer = trainer.rewardModel(rewardModel, rl.rewardModelWeight());
      }
      for (var f : rl.functions()) {
        trainer = trainer.rewardFunction(f.getKey(), f.getValue());
      }
      if (value != null) {
        trainer = trainer.valueModel(value);
      }
      try (PpoTrainer.Result<TrainablePolicy> r = trainer.train(policy, prompts)) {
        System.err.printf(Locale.ROOT, "ppo: reward/mean %.4f, kl/reference %.4f; policy in %s, value model in %s%n",
            r.metrics().get("reward/mean"), r.metrics().get("kl/reference"), runOptions.out.resolve("final"),
            runOptions.out.resolve("final-value"));
      }
    }
    return 0;
  }
}
