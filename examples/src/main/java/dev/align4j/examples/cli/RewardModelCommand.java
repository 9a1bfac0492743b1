package dev.align4j.examples.cli;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.reward.MarginMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.run.Progress;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code align rm}: a Bradley–Terry reward model initialised from a (SFT) policy folder. */
@Command(name = "rm", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a Bradley-Terry reward model from preference pairs, initialised from --model (the SFT "
        + "policy) with a new scalar head.", "Writes OUT/final as a ...ForSequenceClassification folder."})
final class RewardModelCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions model;

  @Mixin
  PreferenceDataOptions dataOptions;

  @Option(names = "--margin", defaultValue = "auto", description = "auto (use the data's per-pair margins when every"
      + " line has one), given, or none (default: ${DEFAULT-VALUE}).")
  String margin;

  @Option(names = "--center-rewards-coefficient", description = "Weight of mean((r_c + r_r)^2), which keeps rewards "
      + "centred (default: none).")
  Double centerRewardsCoefficient;

  @Mixin
  TrainingOptions training;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    var args = training.toArgs();
    PreferenceDataOptions.Loaded data = dataOptions.load(args.seed());
    MarginMode mode = switch (margin.toLowerCase(Locale.ROOT)) {
      case "auto" -> data.train().examples().stream().allMatch(p -> p.margin().isPresent()) ? MarginMode.GIVEN
          : MarginMode.NONE;
      case "given" -> MarginMode.GIVEN;
      case "none" -> MarginMode.NONE;
      default -> throw new IllegalArgumentException("--margin must be auto, given or none, got " + margin);
    };
    RewardConfig config = new RewardConfig(args, mode, centerRewardsCoefficient == null ? OptionalDouble.empty()
        : OptionalDouble.of(centerRewardsCoefficient));
    Dataset<PreferencePair> train = data.train();
    Dataset<PreferencePair> eval = data.eval();
    long total = args.totalSteps(train.size());
    RewardTrainer.Result r = new RewardTrainer(config).train(model.model, train, eval, runOptions.open(),
        RunOptions.resolved(spec), List.of(new Progress("rm", total, 1, args.logEvery())));
    System.err.println("rm: " + r.steps() + " steps; reward model in " + r.finalModel());
    if (eval != null) {
      System.err.printf(Locale.ROOT, "rm: held-out accuracy %.3f, margin %.3f, length correlation %.3f, formatting "
          + "sensitivity %.3f%n", r.evaluation().accuracy(), r.evaluation().margin(),
          r.evaluation().lengthCorrelation(), r.evaluation().formattingSensitivity());
    }
    return 0;
  }
}
