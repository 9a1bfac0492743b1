package dev.align4j.examples.cli;

import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.lora.LoraConfig;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoLossType;
import dev.align4j.core.dpo.FDivergence;
import dev.align4j.core.dpo.WeightedDpoLoss;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.ImportanceSampling;
import dev.align4j.core.loop.LoopConfig;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.MarginMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.sft.Packing;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftLossType;
import dev.align4j.core.train.ScheduleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The one place where the command line meets the library: each stage command's options become that stage's config
 * builder, and the builders' defaults (TRL's) become the options' defaults. An option name is the kebab-case of the
 * config field's TRL name, exactly the keys of the config's {@code toMap()}, which is also what {@code config.json}
 * records.
 */
final class ConfigMapping {
  private ConfigMapping() {}

  /** Each stage command's defaults: its config builder's, under the option names. */
  static Map<String, Object> defaults(String command) {
    return switch (command) {
      case "sft" -> SftConfig.builder().build().toMap();
      case "rm" -> RewardConfig.builder().build().toMap();
      case "dpo" -> DpoConfig.builder().build().toMap();
      case "ppo" -> PpoConfig.builder().build().toMap();
      case "grpo" -> GrpoConfig.builder().build().toMap();
      case "loop" -> loopDefaults();
      default -> Map.of();
    };
  }

  /**
   * {@code align loop}'s defaults: its RL pass's options, the loop's own, the reward refresh's as rm-* and the SFT
   * refresh's as sft-*.
   */
  private static Map<String, Object> loopDefaults() {
    LoopConfig c = LoopConfig.builder().build();
    Map<String, Object> m = new java.util.LinkedHashMap<>(c.rl().toMap());
    c.toMap().forEach((k, v) -> {
      if (!(v instanceof Map)) {
        m.put(k, v);
      }
    });
    c.reward().training().toMap().forEach((k, v) -> m.put("rm-" + k, v));
    c.sft().training().toMap().forEach((k, v) -> m.put("sft-" + k, v));
    return m;
  }

  /**
   * Option defaults from the config builders, after {@code --config} values: an option declaring its own default
   * (one that is the command line's, like {@code --margin auto}) keeps it, and a derived value ({@code
   * --epsilon-high}, which follows {@code --epsilon} unless given) has none.
   */
  static final class BuilderDefaults implements CommandLine.IDefaultValueProvider {
    private final ConfigFile file;

    BuilderDefaults(ConfigFile file) {
      this.file = file;
    }

    @Override
    public String defaultValue(ArgSpec arg) throws Exception {
      String fromFile = file == null ? null : file.defaultValue(arg);
      if (fromFile != null) {
        return fromFile;
      }
      if (!(arg instanceof OptionSpec o) || o.defaultValue() != null || arg.command() == null) {
        return null;
      }
      String name = o.longestName().replaceFirst("^--", "");
      if (name.equals("epsilon-high")) {
        return null;
      }
      Object v = defaults(arg.command().name()).get(name);
      if (v == null) {
        return null;
      }
      if (v instanceof List<?> list) {
        StringBuilder b = new StringBuilder();
        for (Object x : list) {
          b.append(b.length() == 0 ? "" : ",").append(x);
        }
        return b.toString();
      }
      return String.valueOf(v);
    }
  }

  static ScheduleKind schedule(String name) {
    try {
      return ScheduleKind.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--lr-scheduler-type must be constant, linear or cosine, got " + name);
    }
  }

  // ---- the stages ---------------------------------------------------------------------------------------------------

  /** The LoRA configuration of TRL's PEFT flags, or null without {@code --use-peft}. */
  static LoraConfig lora(PeftOptions o) {
    if (!o.usePeft) {
      return null;
    }
    LoraConfig.Builder b = LoraConfig.builder().r(o.r).loraAlpha(o.alpha).loraDropout(o.dropout).useRslora(o.useRslora);
    if (o.targetModules != null && !o.targetModules.isEmpty()) {
      if (o.targetModules.size() == 1 && o.targetModules.get(0).equalsIgnoreCase("all-linear")) {
        b.allLinear();
      } else {
        b.targetModules(o.targetModules.toArray(String[]::new));
      }
    }
    return b.build();
  }

  static SftConfig sft(SftCommand c) {
    SftLossType loss = switch (c.lossType.toLowerCase(Locale.ROOT)) {
      case "nll" -> SftLossType.NLL;
      case "dft" -> SftLossType.DFT;
      default -> throw new IllegalArgumentException("--loss-type must be nll or dft, got " + c.lossType);
    };
    return c.training.applyTo(SftConfig.builder()).lossType(loss).packing(c.packing ? Packing.PACKED : Packing.NONE)
        .build();
  }

  static RewardConfig rm(RewardModelCommand c, MarginMode margin, LabelMode labels) {
    RewardConfig.Builder b = c.training.applyTo(RewardConfig.builder()).marginMode(margin).labelMode(labels);
    if (c.centerRewardsCoefficient != null) {
      b.centerRewardsCoefficient(c.centerRewardsCoefficient);
    }
    return b.build();
  }

  static DpoConfig dpo(DpoCommand c) {
    if (c.lossWeights != null && c.lossWeights.size() != c.lossTypes.size()) {
      throw new IllegalArgumentException("--loss-weights has " + c.lossWeights.size() + " values for "
          + c.lossTypes.size() + " --loss-type entries; give one weight per loss type");
    }
    List<WeightedDpoLoss> losses = new ArrayList<>();
    for (int i = 0; i < c.lossTypes.size(); i++) {
      losses.add(new WeightedDpoLoss(dpoLoss(c.lossTypes.get(i).trim(), c.labelSmoothing, c.discopopTau),
          c.lossWeights == null ? 1.0 : c.lossWeights.get(i)));
    }
    FDivergence divergence = switch (c.divergence.toLowerCase(Locale.ROOT)) {
      case "reverse_kl" -> new FDivergence.ReverseKl();
      case "forward_kl" -> new FDivergence.ForwardKl();
      case "js_divergence" -> new FDivergence.JsDivergence();
      case "alpha_divergence" -> new FDivergence.AlphaDivergence(c.alpha);
      default -> throw new IllegalArgumentException("--f-divergence-type must be reverse_kl, forward_kl, "
          + "js_divergence or alpha_divergence, got " + c.divergence);
    };
    return c.training.applyTo(DpoConfig.builder()).beta(c.beta).losses(losses).divergence(divergence)
        .klMaxNewTokens(c.klMaxNewTokens).build();
  }

  private static DpoLossType dpoLoss(String name, double labelSmoothing, double discopopTau) {
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

  static PpoConfig ppo(PpoCommand c) {
    KlEstimator est = switch (c.klEstimator.toLowerCase(Locale.ROOT)) {
      case "k1" -> KlEstimator.K1;
      case "k3" -> KlEstimator.K3;
      default -> throw new IllegalArgumentException("--kl-estimator must be k1 or k3, got " + c.klEstimator);
    };
    ScorePlacement placement = switch (c.scoreAt.toLowerCase(Locale.ROOT)) {
      case "last-token" -> ScorePlacement.LAST_RESPONSE_TOKEN;
      case "trl" -> ScorePlacement.AFTER_RESPONSE_TRL;
      default -> throw new IllegalArgumentException("--score-at must be last-token or trl, got " + c.scoreAt);
    };
    return c.rl.applyTo(PpoConfig.builder()).beta(c.beta).ppoEpochs(c.ppoEpochs).numMiniBatches(c.numMiniBatches)
        .clipRange(c.cliprange).clipRangeValue(c.cliprangeValue).valueCoefficient(c.vfCoef).gamma(c.gamma)
        .lambda(c.lam).klEstimator(est).scorePlacement(placement).build();
  }

  static GrpoConfig grpo(GrpoCommand c) {
    int maxNew = c.rl.maxNewTokens;
    GrpoLossType type = switch (c.lossType) {
      case "grpo" -> new GrpoLossType.Grpo();
      case "bnpo" -> new GrpoLossType.Bnpo();
      case "dr_grpo" -> new GrpoLossType.DrGrpo(maxNew);
      case "dapo" -> new GrpoLossType.Dapo();
      case "luspo" -> new GrpoLossType.Luspo();
      case "cispo" -> new GrpoLossType.Cispo();
      case "sapo" -> new GrpoLossType.Sapo(1.0, 1.05);
      case "vespo" -> new GrpoLossType.Vespo(2.0, 3.0, 3.0, 2.0);
      default -> throw new IllegalArgumentException("--loss-type '" + c.lossType + "' is not a GRPO loss; see --help");
    };
    RewardScaling scaling = switch (c.scaleRewards.toLowerCase(Locale.ROOT)) {
      case "group", "true" -> RewardScaling.GROUP;
      case "batch" -> RewardScaling.BATCH;
      case "none", "false" -> RewardScaling.NONE;
      default -> throw new IllegalArgumentException("--scale-rewards must be group, batch or none, got "
          + c.scaleRewards);
    };
    MultiRewardAggregation agg = switch (c.aggregation) {
      case "sum_then_normalize" -> MultiRewardAggregation.SUM_THEN_NORMALIZE;
      case "normalize_then_sum" -> MultiRewardAggregation.NORMALIZE_THEN_SUM;
      default -> throw new IllegalArgumentException("--multi-objective-aggregation must be sum_then_normalize or "
          + "normalize_then_sum, got " + c.aggregation);
    };
    ImportanceSampling is = switch (c.importanceSampling) {
      case "token" -> ImportanceSampling.TOKEN;
      case "sequence" -> ImportanceSampling.SEQUENCE;
      default -> throw new IllegalArgumentException("--importance-sampling-level must be token or sequence, got "
          + c.importanceSampling);
    };
    GrpoConfig.Builder b = c.rl.applyTo(GrpoConfig.builder()).beta(c.beta).numGenerations(c.numGenerations)
        .lossType(type).epsilon(c.epsilon).scaleRewards(scaling).aggregation(agg).importanceSampling(is)
        .numIterations(c.numIterations).numMiniBatches(c.numMiniBatches);
    if (c.epsilonHigh != null) {
      b.epsilonHigh(c.epsilonHigh);
    }
    if (c.delta != null) {
      b.delta(c.delta);
    }
    return b.build();
  }
}
