package dev.align4j.examples.cli;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoLossType;
import dev.align4j.core.dpo.DpoTrainer;
import dev.align4j.core.dpo.FDivergence;
import dev.align4j.core.dpo.WeightedDpoLoss;
import dev.align4j.core.run.Progress;
import java.util.ArrayList;
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

  @Option(names = "--beta", defaultValue = "0.1", description = "Strength of the leash to the reference "
      + "(default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--loss-type", defaultValue = "sigmoid", split = ",", description = "One or more of sigmoid, "
      + "hinge, ipo, sigmoid_norm, exo_pair, nca_pair, robust, bco_pair, sppo_hard, aot, aot_unpaired, apo_zero, "
      + "apo_down, discopop (default: ${DEFAULT-VALUE}).")
  List<String> lossTypes;

  @Option(names = "--loss-weights", split = ",", description = "Weights of the loss types, in order (default: 1 each).")
  List<Double> lossWeights;

  @Option(names = "--label-smoothing", defaultValue = "0.0", description = "Label smoothing / flip rate for robust, "
      + "exo_pair (1e-3 when 0) and aot (default: ${DEFAULT-VALUE}).")
  double labelSmoothing;

  @Option(names = "--f-divergence-type", defaultValue = "reverse_kl", description = "reverse_kl, forward_kl, "
      + "js_divergence or alpha_divergence (default: ${DEFAULT-VALUE}).")
  String divergence;

  @Option(names = "--f-alpha-divergence-coef", defaultValue = "0.5", description = "alpha of alpha_divergence "
      + "(default: ${DEFAULT-VALUE}, TRL's f_alpha_divergence_coef; at 1 alpha_divergence equals reverse_kl).")
  double alpha;

  @Option(names = "--discopop-tau", defaultValue = "0.05", description = "tau of discopop (default: "
      + "${DEFAULT-VALUE}).")
  double discopopTau;

  @Option(names = "--kl-max-new-tokens", defaultValue = "32", description = "Tokens sampled per held-out prompt for "
      + "the KL to the reference (default: ${DEFAULT-VALUE}).")
  int klMaxNewTokens;

  @Mixin
  TrainingOptions training;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    var args = training.toArgs();
    if (lossWeights != null && lossWeights.size() != lossTypes.size()) {
      throw new IllegalArgumentException("--loss-weights has " + lossWeights.size() + " values for "
          + lossTypes.size() + " --loss-type entries; give one weight per loss type");
    }
    List<WeightedDpoLoss> losses = new ArrayList<>();
    for (int i = 0; i < lossTypes.size(); i++) {
      losses.add(new WeightedDpoLoss(lossType(lossTypes.get(i).trim()), lossWeights == null ? 1.0
          : lossWeights.get(i)));
    }
    DpoConfig config = new DpoConfig(args, beta, losses, divergence(), klMaxNewTokens);
    PreferenceDataOptions.Loaded data = dataOptions.load(args.seed());
    Dataset<PreferencePair> train = data.train();
    Dataset<PreferencePair> eval = data.eval();
    long total = args.totalSteps(train.size());
    DpoTrainer.Result r = new DpoTrainer(config).train(model.model, train, eval, runOptions.open(),
        RunOptions.resolved(spec), List.of(new Progress("dpo", total, 1, args.logEvery())));
    System.err.println("dpo: " + r.steps() + " steps; final model in " + r.finalModel());
    if (eval != null) {
      System.err.printf(Locale.ROOT, "dpo: held-out reward accuracy %.3f -> %.3f, margin %.3f -> %.3f, KL to the "
          + "reference %.4f%n", r.initial().get("eval/rewards/accuracies"), r.metrics().get("eval/rewards/accuracies"),
          r.initial().get("eval/rewards/margins"), r.metrics().get("eval/rewards/margins"),
          r.metrics().get("eval/kl/reference"));
    }
    return 0;
  }

  private DpoLossType lossType(String name) {
    return switch (name) {
      case "sigmoid" -> new DpoLossType.Sigmoid();
      case "hinge" -> new DpoLossType.Hinge();
      case "ipo" -> new DpoLossType.Ipo();
      case "sigmoid_norm" -> new DpoLossType.SigmoidNorm();
      case "exo_pair" -> new DpoLossType.ExoPair(labelSmoothing == 0 ? 1e-3 : labelSmoothing);
      case "nca_pair" -> new DpoLossType.NcaPair();
      case "robust" -> new DpoLossType.Robust(labelSmoothing);
      case "bco_pair" -> new DpoLossType.BcoPair();
      case "sppo_hard" -> new DpoLossType.SppoHard();
      case "aot" -> new DpoLossType.Aot(labelSmoothing);
      case "aot_unpaired" -> new DpoLossType.AotUnpaired(labelSmoothing);
      case "apo_zero" -> new DpoLossType.ApoZero();
      case "apo_down" -> new DpoLossType.ApoDown();
      case "discopop" -> new DpoLossType.DiscoPop(discopopTau);
      default -> throw new IllegalArgumentException("--loss-type '" + name + "' is not a DPO loss; see --help");
    };
  }

  private FDivergence divergence() {
    return switch (divergence.toLowerCase(Locale.ROOT)) {
      case "reverse_kl" -> new FDivergence.ReverseKl();
      case "forward_kl" -> new FDivergence.ForwardKl();
      case "js_divergence" -> new FDivergence.JsDivergence();
      case "alpha_divergence" -> new FDivergence.AlphaDivergence(alpha);
      default -> throw new IllegalArgumentException("--f-divergence-type must be reverse_kl, forward_kl, "
          + "js_divergence or alpha_divergence, got " + divergence);
    };
  }
}
