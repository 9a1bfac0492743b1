package dev.align4j.core.conformance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.dpo.DpoBatch;
import dev.align4j.core.dpo.DpoLossType;
import dev.align4j.core.dpo.DpoObjective;
import dev.align4j.core.dpo.FDivergence;
import dev.align4j.core.dpo.WeightedDpoLoss;
import dev.align4j.core.grpo.GrpoBatch;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoObjective;
import dev.align4j.core.grpo.ImportanceSampling;
import dev.align4j.core.grpo.KlCorrection;
import dev.align4j.core.math.KlEstimates;
import dev.align4j.core.math.TokenDistributions;
import dev.align4j.core.ppo.PpoPolicyBatch;
import dev.align4j.core.ppo.PpoPolicyObjective;
import dev.align4j.core.ppo.PpoValueBatch;
import dev.align4j.core.ppo.PpoValueObjective;
import dev.align4j.core.reward.BradleyTerryObjective;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.MarginMode;
import dev.align4j.core.reward.RewardPairBatch;
import dev.align4j.core.runtime.DjlSetup;
import dev.align4j.core.sft.SftBatch;
import dev.align4j.core.sft.SftLossType;
import dev.align4j.core.sft.SftObjective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/** Runs ops through the differentiable NDArray code (objectives and {@code core.math}), in float32. */
final class NdArrayImplementation implements OpImplementation {

  @Override
  public String name() {
    return "ndarray";
  }

  @Override
  public Set<String> ops() {
    return Set.of("token_logprobs", "entropy", "full_kl", "kl_per_token", "sft_loss", "bt_loss", "bt_soft_loss", "dpo_loss",
        "ppo_policy_loss", "ppo_value_loss", "grpo_loss");
  }

  @Override
  public Map<String, Tensor> run(ConformanceCase c) {
    try (NDManager m = DjlSetup.newManager()) {
      return switch (c.op()) {
        case "token_logprobs" -> Map.of("logprobs", read(TokenDistributions.tokenLogprobs(
            floats(m, c, "logits"), ints(m, c, "tokens"), c.doubleParam("temperature"))));
        case "entropy" -> Map.of("entropy", read(TokenDistributions.entropy(
            floats(m, c, "logits"), c.doubleParam("temperature"))));
        case "full_kl" -> Map.of("kl", read(TokenDistributions.fullKl(
            floats(m, c, "logits"), floats(m, c, "ref_logits"))));
        case "kl_per_token" -> Map.of("kl", read(KlEstimates.perToken(floats(m, c, "logprobs"),
            floats(m, c, "ref_logprobs"), c.choiceParam("estimator", Vocabulary.ESTIMATORS))));
        case "sft_loss" -> sftLoss(m, c);
        case "bt_loss" -> btLoss(m, c);
        case "bt_soft_loss" -> btSoftLoss(m, c);
        case "dpo_loss" -> dpoLoss(m, c);
        case "ppo_policy_loss" -> ppoPolicyLoss(m, c);
        case "ppo_value_loss" -> ppoValueLoss(m, c);
        case "grpo_loss" -> grpoLoss(m, c);
        default -> throw new IllegalStateException("not an NDArray op: " + c.op());
      };
    }
  }

  private static Map<String, Tensor> sftLoss(NDManager m, ConformanceCase c) {
    SftLossType type = c.choiceParam("loss_type", Map.of("nll", SftLossType.NLL, "dft", SftLossType.DFT));
    ObjectiveResult r = new SftObjective(type).compute(new SftBatch(floats(m, c, "logits"), ints(m, c, "labels")));
    return outputs(r, Map.of("loss", "", "num_tokens", "num_tokens", "entropy", "entropy",
        "mean_token_accuracy", "mean_token_accuracy"));
  }

  private static Map<String, Tensor> btLoss(NDManager m, ConformanceCase c) {
    MarginMode mode = c.choiceParam("margin_mode", Map.of("none", MarginMode.NONE, "given", MarginMode.GIVEN));
    double center = c.nullableDoubleParam("center_rewards_coefficient", false);
    BradleyTerryObjective obj = new BradleyTerryObjective(mode,
        Double.isNaN(center) ? OptionalDouble.empty() : OptionalDouble.of(center));
    Optional<NDArray> margins = mode == MarginMode.GIVEN ? Optional.of(floats(m, c, "margins")) : Optional.empty();
    ObjectiveResult r = obj.compute(
        new RewardPairBatch(floats(m, c, "chosen_rewards"), floats(m, c, "rejected_rewards"), margins));
    return outputs(r, Map.of("loss", "", "accuracy", "accuracy", "mean_margin", "margin"));
  }

  /**
   * The soft-label Bradley–Terry loss ({@code LabelMode.SOFT}), align4j's own op: the outputs of {@code bt_loss}
   * plus the loss's gradients with respect to both reward vectors, taken by autograd through the objective as
   * training takes them.
   */
  private static Map<String, Tensor> btSoftLoss(NDManager m, ConformanceCase c) {
    double center = c.nullableDoubleParam("center_rewards_coefficient", false);
    BradleyTerryObjective obj = new BradleyTerryObjective(MarginMode.NONE, LabelMode.SOFT,
        Double.isNaN(center) ? OptionalDouble.empty() : OptionalDouble.of(center));
    NDArray chosen = floats(m, c, "chosen_rewards");                         // (N)
    NDArray rejected = floats(m, c, "rejected_rewards");                     // (N)
    NDArray p = floats(m, c, "p_chosen");                                    // (N)
    chosen.setRequiresGradient(true);
    rejected.setRequiresGradient(true);
    ObjectiveResult r;
    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
      r = obj.compute(new RewardPairBatch(chosen, rejected, Optional.empty(), Optional.of(p)));
      gc.backward(r.loss());
    }
    Map<String, Tensor> out = outputs(r, Map.of("loss", "", "accuracy", "accuracy", "mean_margin", "margin"));
    out.put("grad_chosen_rewards", read(chosen.getGradient()));
    out.put("grad_rejected_rewards", read(rejected.getGradient()));
    return out;
  }

  private static Map<String, Tensor> dpoLoss(NDManager m, ConformanceCase c) {
    double beta = c.doubleParam("beta");
    List<String> names = new ArrayList<>();
    var lt = c.param("loss_type");
    if (lt.isArray()) {
      lt.forEach(n -> names.add(n.asText()));
    } else if (lt.isTextual()) {
      names.add(lt.asText());
    } else {
      throw new CaseFormatException("params.loss_type", "expected a string or a list of strings, got " + lt);
    }
    double[] weights = new double[names.size()];
    java.util.Arrays.fill(weights, 1.0);
    if (c.hasParam("loss_weights")) {
      Tensor w = ConformanceCase.parseTensor(c.param("loss_weights"), "params.loss_weights");
      if (w.data().length != names.size()) {
        throw new CaseFormatException("params.loss_weights",
            "expected " + names.size() + " weights (one per loss type), got " + w.data().length);
      }
      weights = w.data();
    }
    List<WeightedDpoLoss> terms = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      terms.add(new WeightedDpoLoss(dpoLossType(c, names.get(i)), weights[i]));
    }
    DpoObjective obj = new DpoObjective(beta, terms, divergence(c));
    Optional<NDArray> lc = c.hasInput("chosen_lengths") ? Optional.of(floats(m, c, "chosen_lengths")) : Optional.empty();
    Optional<NDArray> lr = c.hasInput("rejected_lengths")
        ? Optional.of(floats(m, c, "rejected_lengths")) : Optional.empty();
    ObjectiveResult r = obj.compute(new DpoBatch(floats(m, c, "policy_chosen_logps"),
        floats(m, c, "policy_rejected_logps"), floats(m, c, "ref_chosen_logps"), floats(m, c, "ref_rejected_logps"),
        lc, lr));
    return outputs(r, Map.of("loss", "", "losses", "losses", "chosen_rewards", "chosen_rewards",
        "rejected_rewards", "rejected_rewards", "reward_accuracy", "rewards/accuracies",
        "reward_margin", "rewards/margins"));
  }

  private static DpoLossType dpoLossType(ConformanceCase c, String name) {
    Function<String, Double> ls = p -> c.doubleParam(p);
    return switch (name) {
      case "sigmoid" -> new DpoLossType.Sigmoid();
      case "hinge" -> new DpoLossType.Hinge();
      case "ipo" -> new DpoLossType.Ipo();
      case "sigmoid_norm" -> new DpoLossType.SigmoidNorm();
      case "exo_pair" -> new DpoLossType.ExoPair(ls.apply("label_smoothing"));
      case "nca_pair" -> new DpoLossType.NcaPair();
      case "robust" -> new DpoLossType.Robust(ls.apply("label_smoothing"));
      case "bco_pair" -> new DpoLossType.BcoPair();
      case "sppo_hard" -> new DpoLossType.SppoHard();
      case "aot" -> new DpoLossType.Aot(ls.apply("label_smoothing"));
      case "aot_unpaired" -> new DpoLossType.AotUnpaired(ls.apply("label_smoothing"));
      case "apo_zero" -> new DpoLossType.ApoZero();
      case "apo_down" -> new DpoLossType.ApoDown();
      case "discopop" -> new DpoLossType.DiscoPop(ls.apply("discopop_tau"));
      default -> throw new CaseFormatException("params.loss_type", "unknown DPO loss type '" + name + "'");
    };
  }

  private static FDivergence divergence(ConformanceCase c) {
    if (!c.hasParam("f_divergence_type")) {
      return new FDivergence.ReverseKl();
    }
    return switch (c.stringParam("f_divergence_type")) {
      case "reverse_kl" -> new FDivergence.ReverseKl();
      case "forward_kl" -> new FDivergence.ForwardKl();
      case "js_divergence" -> new FDivergence.JsDivergence();
      case "alpha_divergence" -> new FDivergence.AlphaDivergence(c.doubleParam("f_alpha_divergence_coef"));
      default -> throw new CaseFormatException("params.f_divergence_type",
          "unknown value '" + c.stringParam("f_divergence_type")
              + "'; expected reverse_kl, forward_kl, js_divergence or alpha_divergence");
    };
  }

  private static Map<String, Tensor> ppoPolicyLoss(NDManager m, ConformanceCase c) {
    ObjectiveResult r = new PpoPolicyObjective(c.doubleParam("cliprange")).compute(new PpoPolicyBatch(
        floats(m, c, "logprobs"), floats(m, c, "old_logprobs"), floats(m, c, "advantages"), floats(m, c, "mask")));
    return outputs(r, Map.of("loss", "", "clipfrac", "policy/clipfrac", "approx_kl", "policy/approx_kl",
        "ratio_mean", "policy/ratio_mean"));
  }

  private static Map<String, Tensor> ppoValueLoss(NDManager m, ConformanceCase c) {
    ObjectiveResult r = new PpoValueObjective(c.doubleParam("cliprange_value"), Vocabulary.placementOrTrl(c))
        .compute(new PpoValueBatch(floats(m, c, "values"), floats(m, c, "old_values"), floats(m, c, "returns"),
            floats(m, c, "mask")));
    return outputs(r, Map.of("loss", "", "clipfrac", "value/clipfrac", "value_mask", "value_mask"));
  }

  private static Map<String, Tensor> grpoLoss(NDManager m, ConformanceCase c) {
    String typeName = c.stringParam("loss_type");
    GrpoLossType type = switch (typeName) {
      case "grpo" -> new GrpoLossType.Grpo();
      case "bnpo" -> new GrpoLossType.Bnpo();
      case "dr_grpo" -> new GrpoLossType.DrGrpo(c.intParam("max_completion_length"));
      case "dapo" -> new GrpoLossType.Dapo();
      case "luspo" -> new GrpoLossType.Luspo();
      case "cispo" -> new GrpoLossType.Cispo();
      case "sapo" -> new GrpoLossType.Sapo(c.doubleParam("sapo_temperature_pos"),
          c.doubleParam("sapo_temperature_neg"));
      case "vespo" -> new GrpoLossType.Vespo(c.doubleParam("vespo_k_pos"), c.doubleParam("vespo_lambda_pos"),
          c.doubleParam("vespo_k_neg"), c.doubleParam("vespo_lambda_neg"));
      default -> throw new CaseFormatException("params.loss_type", "unknown GRPO loss type '" + typeName + "'");
    };
    double delta = c.nullableDoubleParam("delta", false);
    double items = c.nullableDoubleParam("num_items_in_batch", false);
    GrpoObjective obj = new GrpoObjective(type, c.doubleParam("epsilon_low"), c.doubleParam("epsilon_high"),
        c.doubleParam("beta"), Double.isNaN(delta) ? OptionalDouble.empty() : OptionalDouble.of(delta),
        c.choiceParam("importance_sampling_level",
            Map.of("token", ImportanceSampling.TOKEN, "sequence", ImportanceSampling.SEQUENCE)),
        c.hasParam("use_bias_correction_kl") && c.boolParam("use_bias_correction_kl")
            ? KlCorrection.IMPORTANCE_WEIGHTED : KlCorrection.NONE,
        Double.isNaN(items) ? OptionalInt.empty() : OptionalInt.of((int) items),
        c.hasParam("num_processes") ? c.intParam("num_processes") : 1);
    NDArray lp = floats(m, c, "per_token_logps");
    Optional<NDArray> ref = c.hasInput("ref_per_token_logps")
        ? Optional.of(floats(m, c, "ref_per_token_logps")) : Optional.empty();
    NDArray old = c.hasInput("old_per_token_logps") ? floats(m, c, "old_per_token_logps") : lp.duplicate();
    ObjectiveResult r = obj.compute(new GrpoBatch(lp, old, ref, floats(m, c, "advantages"), floats(m, c, "mask")));
    Map<String, String> names = new LinkedHashMap<>();
    names.put("loss", "");
    names.put("kl", "kl/reference");
    names.put("clip_ratio_low_mean", "clip_ratio/low_mean");
    names.put("clip_ratio_low_min", "clip_ratio/low_min");
    names.put("clip_ratio_high_mean", "clip_ratio/high_mean");
    names.put("clip_ratio_high_max", "clip_ratio/high_max");
    names.put("clip_ratio_region_mean", "clip_ratio/region_mean");
    names.put("cispo_clip_ratio", "cispo_clip_ratio");
    names.put("phi_seq_mean", "vespo/phi_seq_mean");
    return outputs(r, names);
  }

  // ---- conversions ----

  private static NDArray floats(NDManager m, ConformanceCase c, String name) {
    Tensor t = c.input(name);
    return m.create(t.toFloats(), new Shape(t.longShape()));
  }

  private static NDArray ints(NDManager m, ConformanceCase c, String name) {
    Tensor t = c.input(name);
    return m.create(t.toInts(), new Shape(t.longShape()));
  }

  /** Reads the outputs named by {@code caseToOutput} (case field → output name, "" for the loss) that exist. */
  private static Map<String, Tensor> outputs(ObjectiveResult r, Map<String, String> caseToOutput) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    caseToOutput.forEach((field, output) -> {
      if (output.isEmpty()) {
        out.put(field, read(r.loss()));
      } else if (r.outputs().containsKey(output)) {
        out.put(field, read(r.outputs().get(output)));
      }
    });
    return out;
  }

  private static Tensor read(NDArray a) {
    double[] d;
    if (a.getDataType().isInteger()) {
      int[] v = a.toType(DataType.INT32, false).toIntArray();
      d = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        d[i] = v[i];
      }
    } else {
      float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
      d = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        d[i] = v[i];
      }
    }
    return new Tensor(d, java.util.Arrays.stream(a.getShape().getShape()).mapToInt(x -> (int) x).toArray());
  }
}
