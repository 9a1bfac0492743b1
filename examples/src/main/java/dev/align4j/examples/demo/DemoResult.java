package dev.align4j.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.eval.OveroptimizationFit;
import dev.align4j.core.eval.TaskEvaluator;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.task.Family;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a demo run measured.
 *
 * @param settings the run's settings
 * @param annotatorAccuracy measured gold accuracy of the demonstrations (the SFT ceiling)
 * @param stages sft, ppo, grpo, dpo, beta0
 * @param rewardModel the reward model's held-out evaluation
 * @param fillerBonus mean reward-model score of filler + correct answer minus the correct answer alone
 * @param trace the β = 0 run's points
 * @param fit the Gao et al. form fitted to the trace's gold accuracy over √KL
 * @param wallSeconds wall time of the whole run
 * @param timings seconds per stage
 * @param evaluator the held-out evaluation (tasks, sampling)
 */
public record DemoResult(DemoSettings settings, double annotatorAccuracy, Map<String, StageOutcome> stages,
    RewardEvaluation rewardModel, double fillerBonus, List<TracePoint> trace, OveroptimizationFit fit,
    double wallSeconds, Map<String, Double> timings, TaskEvaluator evaluator) {

  /** {@code summary.json}: nested objects, the keys issue 6 names plus per-family and per-stage detail. */
  public ObjectNode summary() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    o.put("seed", settings.seed());
    o.put("annotator_accuracy", annotatorAccuracy);
    for (Map.Entry<String, StageOutcome> e : stages.entrySet()) {
      if (e.getKey().equals("beta0")) {
        continue;
      }
      ObjectNode st = o.putObject(e.getKey());
      StageOutcome so = e.getValue();
      st.put("gold_accuracy", so.scores().goldAccuracy());
      st.put("content_accuracy", so.scores().contentAccuracy());
      st.put("filler_rate", so.scores().fillerRate());
      st.put("gold_accuracy_se", so.scores().goldStandardError());
      st.put("content_accuracy_se", so.scores().contentStandardError());
      st.put("filler_rate_se", so.scores().fillerStandardError());
      if (!e.getKey().equals("sft")) {
        st.put("kl", so.kl());
        st.put("win_rate_vs_sft", so.winRateVsSft());
        st.put("heldout_sft_loss_drift", so.heldOutLoss() - stages.get("sft").heldOutLoss());
      } else {
        st.put("heldout_loss", so.heldOutLoss());
      }
      st.put("distinct_2", so.scores().distinct2());
      ObjectNode fam = st.putObject("per_family");
      for (Map.Entry<Family, double[]> f : so.scores().perFamily().entrySet()) {
        fam.putObject(f.getKey().label()).put("gold_accuracy", f.getValue()[0])
            .put("content_accuracy", f.getValue()[1]).put("filler_rate", f.getValue()[2]);
      }
      st.put("train_seconds", so.seconds());
    }
    ObjectNode rm = o.putObject("reward_model");
    rm.put("heldout_accuracy", rewardModel.accuracy());
    rm.put("length_correlation", rewardModel.lengthCorrelation());
    rm.put("mean_margin", rewardModel.margin());
    rm.put("formatting_sensitivity", rewardModel.formattingSensitivity());
    rm.put("filler_bonus", fillerBonus);
    rm.put("train_seconds", timings.getOrDefault("reward_model", Double.NaN));
    ObjectNode over = o.putObject("overoptimization");
    ObjectNode b0 = over.putObject("beta0");
    TracePoint first = trace.get(0);
    TracePoint last = trace.get(trace.size() - 1);
    TracePoint peak = trace.stream().max(Comparator.comparingDouble(TracePoint::gold)).orElseThrow();
    b0.put("gold_accuracy_initial", first.gold());
    b0.put("gold_accuracy_peak", peak.gold());
    b0.put("gold_accuracy_final", last.gold());
    b0.put("gold_accuracy_se_peak", peak.goldStandardError());
    b0.put("gold_accuracy_se_final", last.goldStandardError());
    b0.put("proxy_reward_initial", first.proxy());
    b0.put("proxy_reward_final", last.proxy());
    b0.put("proxy_reward_se_initial", first.proxyStandardError());
    b0.put("proxy_reward_se_final", last.proxyStandardError());
    b0.put("filler_rate_final", last.filler());
    b0.put("kl_final", last.kl());
    var points = b0.putArray("trace");
    for (TracePoint t : trace) {
      points.addObject().put("iteration", t.iteration()).put("kl", t.kl()).put("sqrt_kl", t.sqrtKl())
          .put("gold_accuracy", t.gold()).put("proxy_reward", t.proxy()).put("filler_rate", t.filler())
          .put("gold_accuracy_se", t.goldStandardError()).put("proxy_reward_se", t.proxyStandardError());
    }
    ObjectNode fitNode = over.putObject("fit");
    // JSON has no NaN: an undetermined value is null and "note" says why, so a reader never parses "NaN".
    putOrNull(fitNode, "alpha", fit.alpha());
    putOrNull(fitNode, "beta", fit.beta());
    putOrNull(fitNode, "beta_standard_error", fit.betaStandardError());
    putOrNull(fitNode, "d_star", fit.dStar());
    putOrNull(fitNode, "r2", fit.r2());
    if (Double.isNaN(fit.alpha())) {
      fitNode.put("note", "undetermined: fewer than 3 trace points or a degenerate design");
    } else if (!fit.hasPeak()) {
      fitNode.put("note", String.format(Locale.ROOT, "no peak: fitted beta %.3g is not above %.0f standard errors"
          + " (%.3g) or its peak lies beyond the traced distances, so gold did not measurably turn down",
          fit.beta(), OveroptimizationFit.PEAK_STANDARD_ERRORS, fit.betaStandardError()));
    }
    o.put("wall_seconds", wallSeconds);
    ObjectNode t = o.putObject("timings_seconds");
    timings.forEach(t::put);
    o.put("evaluation", String.format(Locale.ROOT, "%d held-out prompts x %d samples at temperature 1, balanced over"
        + " %d families", evaluator.tasks().size(), settings.evalSamples(), Family.values().length));
    return o;
  }

  private static void putOrNull(ObjectNode node, String key, double value) {
    if (Double.isNaN(value)) {
      node.putNull(key);
    } else {
      node.put(key, value);
    }
  }

  /** The plain-text table of headline numbers printed at the end. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-6s %8s %8s %8s %8s %9s %9s%n", "stage", "gold", "content", "filler", "KL",
        "win-rate", "loss-drift"));
    for (Map.Entry<String, StageOutcome> e : stages.entrySet()) {
      StageOutcome so = e.getValue();
      boolean sft = e.getKey().equals("sft");
      b.append(String.format(Locale.ROOT, "%-6s %8.3f %8.3f %8.3f %8s %9s %9s%n", e.getKey(),
          so.scores().goldAccuracy(), so.scores().contentAccuracy(), so.scores().fillerRate(),
          sft ? "-" : String.format(Locale.ROOT, "%.3f", so.kl()),
          sft ? "-" : String.format(Locale.ROOT, "%.3f", so.winRateVsSft()),
          sft ? "-" : String.format(Locale.ROOT, "%+.3f", so.heldOutLoss() - stages.get("sft").heldOutLoss())));
    }
    b.append(String.format(Locale.ROOT, "annotators: gold %.3f   reward model: held-out accuracy %.3f, length r %.3f,"
        + " filler bonus %+.3f%n", annotatorAccuracy, rewardModel.accuracy(), rewardModel.lengthCorrelation(),
        fillerBonus));
    TracePoint first = trace.get(0);
    TracePoint last = trace.get(trace.size() - 1);
    double peak = trace.stream().mapToDouble(TracePoint::gold).max().orElse(Double.NaN);
    b.append(String.format(Locale.ROOT, "beta=0: gold %.3f -> peak %.3f -> %.3f, proxy %.3f -> %.3f, filler %.3f,"
        + " sqrt(KL) %.2f; fit alpha %.3f beta %.3f d* %.2f r2 %.2f%n", first.gold(), peak, last.gold(),
        first.proxy(), last.proxy(), last.filler(), last.sqrtKl(), fit.alpha(), fit.beta(), fit.dStar(), fit.r2()));
    b.append(String.format(Locale.ROOT, "wall time %.0f s (%s)%n", wallSeconds, timingText()));
    return b.toString();
  }

  private String timingText() {
    StringBuilder b = new StringBuilder();
    timings.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%.0f s", v)));
    return b.toString();
  }
}
