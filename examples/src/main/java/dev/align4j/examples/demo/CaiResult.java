package dev.align4j.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.cai.LabellerReport;
import java.util.Locale;
import java.util.Map;

/**
 * What the Constitutional AI part measured.
 *
 * @param settings the run's settings
 * @param demonstrations the supervised phase's data: gold share of the annotators' and of the revised answers
 * @param stages sft_raw, sft_cai, grpo_human, grpo_cai, each sampled and judged as the main part's stages are
 * @param rewardModels human and cai: pairs trained on, accuracy on gold-decided held-out pairs, length correlation,
 *     filler bonus
 * @param goldPairs held-out pairs gold decides (the reward models' and the labeller's yardstick)
 * @param trainLabeller the labeller's diagnostics on the training pairs it labelled (both orders)
 * @param oneOrder the judge asked in one order on the gold-decided pairs
 * @param bothOrders the judge asked in both orders on the gold-decided pairs
 * @param wallSeconds the part's wall time
 * @param timings each stage's seconds
 */
public record CaiResult(DemoSettings settings, Demonstrations demonstrations, Map<String, StageOutcome> stages,
    Map<String, RewardModelScores> rewardModels, int goldPairs, LabellerReport trainLabeller, LabellerReport oneOrder,
    LabellerReport bothOrders, double wallSeconds, Map<String, Double> timings) {

  /**
   * The supervised phase's data.
   *
   * @param raw annotator demonstrations
   * @param rawGold their gold share
   * @param revised revised demonstrations kept
   * @param revisedGold their gold share
   * @param dropped demonstrations whose revision was refused, failed or empty
   * @param rounds critique–revision rounds
   */
  public record Demonstrations(int raw, double rawGold, int revised, double revisedGold, int dropped, int rounds) {}

  /**
   * A reward model's evaluation.
   *
   * @param pairs training pairs
   * @param accuracy on the gold-decided held-out pairs
   * @param lengthCorrelation correlation of its score with completion length on those pairs
   * @param fillerBonus mean score of "filler + right answer" minus "right answer" on held-out tasks
   */
  public record RewardModelScores(int pairs, double accuracy, double lengthCorrelation, double fillerBonus) {}

  /** The {@code cai} object of {@code summary.json}. */
  public ObjectNode summary() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("rounds", demonstrations.rounds());
    o.put("judge_position_bias", settings.caiJudgeBias());
    o.putObject("demonstrations").put("raw", demonstrations.raw()).put("raw_gold", demonstrations.rawGold())
        .put("revised", demonstrations.revised()).put("revised_gold", demonstrations.revisedGold())
        .put("dropped", demonstrations.dropped());
    for (Map.Entry<String, StageOutcome> e : stages.entrySet()) {
      StageOutcome so = e.getValue();
      ObjectNode st = o.putObject(e.getKey());
      st.put("gold_accuracy", so.scores().goldAccuracy());
      st.put("content_accuracy", so.scores().contentAccuracy());
      st.put("filler_rate", so.scores().fillerRate());
      st.put("gold_accuracy_se", so.scores().goldStandardError());
      st.put("filler_rate_se", so.scores().fillerStandardError());
      if (!e.getKey().equals("sft_raw")) {
        st.put("kl_to_sft_raw", so.kl());
        st.put("win_rate_vs_sft_raw", so.winRateVsSft());
      }
      st.put("train_seconds", so.seconds());
    }
    ObjectNode rms = o.putObject("reward_models");
    rewardModels.forEach((k, v) -> rms.putObject(k).put("pairs", v.pairs()).put("gold_pair_accuracy", v.accuracy())
        .put("length_correlation", v.lengthCorrelation()).put("filler_bonus", v.fillerBonus()));
    o.put("gold_pairs", goldPairs);
    ObjectNode lab = o.putObject("labeller");
    report(lab.putObject("train_pairs_both_orders"), trainLabeller);
    report(lab.putObject("gold_pairs_one_order"), oneOrder);
    report(lab.putObject("gold_pairs_both_orders"), bothOrders);
    o.put("wall_seconds", wallSeconds);
    ObjectNode t = o.putObject("timings_seconds");
    timings.forEach(t::put);
    return o;
  }

  private static void report(ObjectNode o, LabellerReport r) {
    o.put("pairs", r.pairs()).put("labelled", r.labelled()).put("ties", r.ties()).put("invalid", r.invalid())
        .put("refused", r.refused()).put("failed", r.failed());
    putOrNull(o, "position_consistency", r.positionConsistency());
    putOrNull(o, "first_position_rate", r.firstPositionRate());
    putOrNull(o, "mean_abs_p_minus_half", r.meanDecisiveness());
    if (r.agreement().n() > 0) {
      o.put("agreement_n", r.agreement().n());
      o.put("agreement", r.agreement().rate());
      o.putArray("agreement_95ci").add(r.agreement().low()).add(r.agreement().high());
    }
  }

  private static void putOrNull(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  /** The plain-text table printed at the end. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-10s %8s %8s %8s %8s %9s%n", "cai stage", "gold", "content", "filler",
        "KL", "win-rate"));
    for (Map.Entry<String, StageOutcome> e : stages.entrySet()) {
      StageOutcome so = e.getValue();
      boolean raw = e.getKey().equals("sft_raw");
      b.append(String.format(Locale.ROOT, "%-10s %8.3f %8.3f %8.3f %8s %9s%n", e.getKey(), so.scores().goldAccuracy(),
          so.scores().contentAccuracy(), so.scores().fillerRate(),
          raw ? "-" : String.format(Locale.ROOT, "%.3f", so.kl()),
          raw ? "-" : String.format(Locale.ROOT, "%.3f", so.winRateVsSft())));
    }
    b.append(String.format(Locale.ROOT, "demonstrations: gold %.3f -> %.3f after %d revision rounds (%d of %d kept)%n",
        demonstrations.rawGold(), demonstrations.revisedGold(), demonstrations.rounds(), demonstrations.revised(),
        demonstrations.raw()));
    rewardModels.forEach((k, v) -> b.append(String.format(Locale.ROOT, "RM_%-6s %5d pairs: gold-pair accuracy %.3f,"
        + " length r %+.3f, filler bonus %+.3f%n", k, v.pairs(), v.accuracy(), v.lengthCorrelation(),
        v.fillerBonus())));
    b.append(String.format(Locale.ROOT, "labeller on %d gold pairs, one order: %s%n", goldPairs, line(oneOrder)));
    b.append(String.format(Locale.ROOT, "labeller on %d gold pairs, both orders: %s%n", goldPairs, line(bothOrders)));
    b.append(String.format(Locale.ROOT, "cai wall time %.0f s%n", wallSeconds));
    return b.toString();
  }

  private static String line(LabellerReport r) {
    return String.format(Locale.ROOT, "agreement %.3f [%.3f, %.3f], first-position rate %.3f, position consistency"
        + " %s, ties %d", r.agreement().rate(), r.agreement().low(), r.agreement().high(), r.firstPositionRate(),
        Double.isNaN(r.positionConsistency()) ? "n/a" : String.format(Locale.ROOT, "%.3f", r.positionConsistency()),
        r.ties());
  }

  /** The report's Constitutional AI section (HTML). */
  String html() {
    StringBuilder h = new StringBuilder();
    h.append("<h2>Constitutional AI</h2>\n<pre>").append(escape(table())).append("</pre>\n");
    h.append("<p><b>SFT_cai</b> is trained on the annotators' demonstrations after ")
        .append(demonstrations.rounds()).append(" critique&ndash;revision rounds by the world reviser under the "
            + "constitution <i>correct, no-filler, concise</i>; <b>SFT_raw</b> on the demonstrations as written. "
            + "<b>RM_human</b> learns from simulated people, who like filler; <b>RM_cai</b> from the world judge's "
            + "soft labels under the constitution, asked in both orders. Both reward models are scored on held-out "
            + "pairs that gold orders; GRPO runs from SFT_raw against each. The labeller rows show the judge's "
            + "position bias with one order and what asking both orders leaves of it.</p>\n");
    return h.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
