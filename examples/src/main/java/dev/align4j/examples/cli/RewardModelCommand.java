package dev.align4j.examples.cli;

import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.MarginMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import java.util.Locale;
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
      + " line has one and --soft-labels is off), given, or none (default: ${DEFAULT-VALUE}).")
  String margin;

  @Option(names = "--soft-labels", description = "Fit sigma(r_c - r_r) to each line's \"p_chosen\" (the probability "
      + "that chosen is preferred, as a constitutional labeller writes it) with the loss -[p log sigma(r_c - r_r) + (1 - p) "
      + "log sigma(r_r - r_c)]; lines without p_chosen count as p = 1. Cannot be combined with --margin given "
      + "(default: ${DEFAULT-VALUE}).")
  boolean softLabels;

  @Option(names = "--center-rewards-coefficient", description = "Weight of mean((r_c + r_r)^2), which keeps rewards "
      + "centred (default: none).")
  Double centerRewardsCoefficient;

  @Mixin
  TrainingOptions training;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    PreferenceDataOptions.Loaded data = dataOptions.load(training.seed);
    MarginMode mode = switch (margin.toLowerCase(Locale.ROOT)) {
      // soft labels and margins both say how strongly chosen wins, so auto never picks margins under soft labels
      // (the trainer then warns, with the count, that the data's margins are ignored)
      case "auto" -> !softLabels && data.train().stream().allMatch(p -> p.margin().isPresent()) ? MarginMode.GIVEN
          : MarginMode.NONE;
      case "given" -> MarginMode.GIVEN;
      case "none" -> MarginMode.NONE;
      default -> throw new IllegalArgumentException("--margin must be auto, given or none, got " + margin);
    };
    RewardConfig config = ConfigMapping.rm(this, mode, softLabels ? LabelMode.SOFT : LabelMode.HARD);
    long total = config.training().totalSteps(data.train().size());
    try (AlignModel base = model.loadModel();
        TrainingResult<AlignRewardModel> r = runOptions.applyTo(RewardTrainer.of(config), spec)
            .listener(new Progress("rm", total, 1, config.training().logEvery()))
            .train(base, data.train(), data.eval())) {
      System.err.println("rm: " + r.steps() + " steps; reward model in " + runOptions.out.resolve("final"));
      if (!data.eval().isEmpty()) {
        RewardEvaluation ev = RewardEvaluation.from(r.metrics());
        System.err.printf(Locale.ROOT, "rm: held-out accuracy %.3f, margin %.3f, length correlation %.3f, formatting "
            + "sensitivity %.3f%n", ev.accuracy(), ev.margin(), ev.lengthCorrelation(), ev.formattingSensitivity());
        if (r.metrics().containsKey("eval/soft_loss")) {
          System.err.printf(Locale.ROOT, "rm: held-out soft-label loss %.4f%n", r.metric("eval/soft_loss"));
        }
      }
    }
    return 0;
  }
}
