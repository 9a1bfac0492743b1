package dev.align4j.core.conformance;

import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.Whitening;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/** Runs the no-grad ops through one {@link KernelProvider}. */
final class KernelImplementation implements OpImplementation {
  private final KernelProvider kernels;

  KernelImplementation(KernelProvider kernels) {
    this.kernels = kernels;
  }

  @Override
  public String name() {
    return "kernel:" + kernels.name();
  }

  @Override
  public Set<String> ops() {
    return Set.of("token_logprobs", "entropy", "full_kl", "kl_per_token", "kl_penalized_rewards", "gae", "whiten",
        "grpo_advantages");
  }

  @Override
  public Map<String, Tensor> run(ConformanceCase c) {
    return switch (c.op()) {
      case "token_logprobs" -> tokenLogprobs(c);
      case "entropy" -> entropy(c);
      case "full_kl" -> fullKl(c);
      case "kl_per_token" -> klPerToken(c);
      case "kl_penalized_rewards" -> klPenalizedRewards(c);
      case "gae" -> gae(c);
      case "whiten" -> whiten(c);
      case "grpo_advantages" -> grpoAdvantages(c);
      default -> throw new IllegalStateException("not a kernel op: " + c.op());
    };
  }

  private Map<String, Tensor> tokenLogprobs(ConformanceCase c) {
    Tensor logits = c.input("logits", 3);
    Tensor tokens = c.input("tokens", 2);
    int b = logits.dim(0);
    int t = logits.dim(1);
    int v = logits.dim(2);
    float[] out = new float[b * t];
    kernels.tokenLogprobs(logits.toFloats(), tokens.toInts(), b * t, v, (float) c.doubleParam("temperature"), out);
    return Map.of("logprobs", Tensor.ofFloats(out, b, t));
  }

  private Map<String, Tensor> entropy(ConformanceCase c) {
    Tensor logits = c.input("logits", 3);
    int b = logits.dim(0);
    int t = logits.dim(1);
    float[] out = new float[b * t];
    kernels.entropy(logits.toFloats(), b * t, logits.dim(2), (float) c.doubleParam("temperature"), out);
    return Map.of("entropy", Tensor.ofFloats(out, b, t));
  }

  private Map<String, Tensor> fullKl(ConformanceCase c) {
    Tensor logits = c.input("logits", 3);
    Tensor ref = c.input("ref_logits", 3);
    int b = logits.dim(0);
    int t = logits.dim(1);
    float[] out = new float[b * t];
    kernels.fullKl(logits.toFloats(), ref.toFloats(), b * t, logits.dim(2), out);
    return Map.of("kl", Tensor.ofFloats(out, b, t));
  }

  private Map<String, Tensor> klPerToken(ConformanceCase c) {
    Tensor lp = c.input("logprobs");
    Tensor ref = c.input("ref_logprobs");
    float[] mask = c.hasInput("mask") ? c.input("mask").toFloats() : null;
    float[] out = new float[lp.data().length];
    kernels.klPerToken(lp.toFloats(), ref.toFloats(), mask, out.length,
        c.choiceParam("estimator", Vocabulary.ESTIMATORS), out);
    return Map.of("kl", Tensor.ofFloats(out, lp.shape()));
  }

  private Map<String, Tensor> klPenalizedRewards(ConformanceCase c) {
    Tensor lp = c.input("logprobs", 2);
    int b = lp.dim(0);
    int t = lp.dim(1);
    double penalty = c.nullableDoubleParam("missing_eos_penalty", false);
    KlPenalty params = new KlPenalty(c.doubleParam("kl_coef"), c.choiceParam("estimator", Vocabulary.ESTIMATORS),
        c.choiceParam("score_at", Vocabulary.SCORE_AT),
        Double.isNaN(penalty) ? OptionalDouble.empty() : OptionalDouble.of(penalty));
    float[] containEos = params.missingEosPenalty().isPresent() ? c.input("contain_eos", 1).toFloats() : null;
    float[] rewards = new float[b * t];
    float[] kl = new float[b * t];
    int[] index = new int[b];
    kernels.klPenalizedRewards(params, c.input("scores", 1).toFloats(), lp.toFloats(),
        c.input("ref_logprobs", 2).toFloats(), c.input("mask", 2).toFloats(), containEos, b, t, rewards, kl, index);
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("rewards", Tensor.ofFloats(rewards, b, t));
    out.put("kl", Tensor.ofFloats(kl, b, t));
    out.put("score_index", Tensor.ofInts(index, b));
    return out;
  }

  private Map<String, Tensor> gae(ConformanceCase c) {
    Tensor rewards = c.input("rewards", 2);
    int b = rewards.dim(0);
    int t = rewards.dim(1);
    GaeParams params = new GaeParams(c.doubleParam("gamma"), c.doubleParam("lam"),
        c.boolParam("whiten_rewards") ? GaeParams.RewardWhitening.WHITEN : GaeParams.RewardWhitening.NONE,
        Vocabulary.placementOrTrl(c));
    float[] adv = new float[b * t];
    float[] raw = new float[b * t];
    float[] ret = new float[b * t];
    kernels.gae(params, rewards.toFloats(), c.input("values", 2).toFloats(), c.input("mask", 2).toFloats(), b, t,
        adv, raw, ret);
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("advantages", Tensor.ofFloats(adv, b, t));
    out.put("raw_advantages", Tensor.ofFloats(raw, b, t));
    out.put("returns", Tensor.ofFloats(ret, b, t));
    return out;
  }

  private Map<String, Tensor> whiten(ConformanceCase c) {
    Tensor values = c.input("values");
    float[] out = new float[values.data().length];
    kernels.whiten(values.toFloats(), c.input("mask").toFloats(), out.length,
        c.boolParam("shift_mean") ? Whitening.CENTER : Whitening.KEEP_MEAN, out);
    return Map.of("whitened", Tensor.ofFloats(out, values.shape()));
  }

  private Map<String, Tensor> grpoAdvantages(ConformanceCase c) {
    int g = c.intParam("num_generations");
    MultiRewardAggregation agg = c.hasParam("multi_objective_aggregation")
        ? c.choiceParam("multi_objective_aggregation", Vocabulary.MULTI_AGGREGATION)
        : MultiRewardAggregation.SUM_THEN_NORMALIZE;
    float[] weights = c.hasParam("reward_weights") ? floatList(c, "reward_weights") : new float[0];
    GroupAdvantageParams params = new GroupAdvantageParams(g, Vocabulary.scaleRewards(c), agg, weights);
    if (c.hasInput("rewards_per_func")) {
      Tensor r = c.input("rewards_per_func", 2);
      float[] out = new float[r.dim(0)];
      kernels.groupAdvantages(params, r.toFloats(), r.dim(0), r.dim(1), out);
      return Map.of("advantages", Tensor.ofFloats(out, r.dim(0)));
    }
    Tensor r = c.input("rewards", 1);
    float[] out = new float[r.dim(0)];
    kernels.groupAdvantages(params, r.toFloats(), r.dim(0), out);
    return Map.of("advantages", Tensor.ofFloats(out, r.dim(0)));
  }

  private static float[] floatList(ConformanceCase c, String name) {
    Tensor t = ConformanceCase.parseTensor(c.param(name), "params." + name);
    if (t.rank() != 1) {
      throw new CaseFormatException("params." + name, "expected a list of numbers");
    }
    return t.toFloats();
  }
}
