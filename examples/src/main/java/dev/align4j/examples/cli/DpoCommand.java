package dev.align4j.examples.cli;

import dev.align4j.api.TrainablePolicy;
import dev.align4j.core.AlignModel;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoTrainer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code align dpo}: Direct Preference Optimisation from a (SFT) policy folder. */
@Command(name = "dpo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Direct Preference Optimisation: train the policy on preference pairs against a frozen copy of "
        + "itself, no reward model.", "Writes OUT/final as a Hugging Face folder."})
final class DpoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions model;

  @Mixin
  PreferenceDataOptions dataOptions;

  @Option(names = "--beta", description = "Strength of the leash to the reference "
      + "(default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--loss-type", split = ",", description = "One or more of sigmoid, "
      + "hinge, ipo, sigmoid_norm, exo_pair, nca_pair, robust, bco_pair, sppo_hard, aot, aot_unpaired, apo_zero, "
      + "apo_down, discopop (default: ${DEFAULT-VALUE}).")
  List<String> lossTypes;

  @Option(names = "--loss-weights", split = ",", description = "Weights of the loss types, in order (default: 1 each).")
  List<Double> lossWeights;

  @Option(names = "--label-smoothing", defaultValue = "0.0", description = "Label smoothing / flip rate for robust, "
      + "exo_pair (1e-3 when 0) and aot (default: ${DEFAULT-VALUE}).")
  double labelSmoothing;

  @Option(names = "--f-divergence-type", description = "reverse_kl, forward_kl, "
      + "js_divergence or alpha_divergence (default: ${DEFAULT-VALUE}).")
  String divergence;

  @Option(names = "--f-alpha-divergence-coef", defaultValue = "0.5", description = "alpha of alpha_divergence "
      + "(default: ${DEFAULT-VALUE}, TRL's f_alpha_divergence_coef; at 1 alpha_divergence equals reverse_kl).")
  double alpha;

  @Option(names = "--discopop-tau", defaultValue = "0.05", description = "tau of discopop (default: "
      + "${DEFAULT-VALUE}).")
  double discopopTau;

  @Option(names = "--kl-max-new-tokens", description = "Tokens sampled per held-out prompt for "
      + "the KL to the reference (default: ${DEFAULT-VALUE}).")
  int klMaxNewTokens;

  @Mixin
  TrainingOptions training;

  @Mixin
  PeftOptions peft;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    DpoConfig config = ConfigMapping.dpo(this);
    PreferenceDataOptions.Loaded data = dataOptions.load(config.training().seed());
    long total = config.training().totalSteps(data.train().size());
    try (AlignModel base = model.loadModel();
        TrainablePolicy policy = peft.policy(base, model);
        TrainingResult<TrainablePolicy> r = runOptions.applyTo(DpoTrainer.of(config), spec)
            .listener(new Progress("dpo", total, 1, config.training().logEvery()))
            .train(policy, data.train(), data.eval())) {
      System.err.println("dpo: " + r.steps() + " steps; final " + (peft.usePeft ? "adapter (PEFT)" : "model")
          + " in " + runOptions.out.resolve("final"));
      if (!data.eval().isEmpty()) {
        System.err.printf(Locale.ROOT, "dpo: held-out reward accuracy %.3f -> %.3f, margin %.3f -> %.3f, KL to the "
            + "reference %.4f%n", r.initialEval().get("eval/rewards/accuracies"), r.metric("eval/rewards/accuracies"),
            r.initialEval().get("eval/rewards/margins"), r.metric("eval/rewards/margins"),
            r.metric("eval/kl/reference"));
      }
    }
    return 0;
  }
}
