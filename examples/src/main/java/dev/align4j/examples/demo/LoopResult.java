package dev.align4j.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.eval.TaskScores;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the loop part measured.
 *
 * @param settings the run's settings
 * @param sft the SFT model's evaluation (every arm's start)
 * @param rewardModels held-out accuracy of {@code rm_once} (the single pass's) and {@code rm_initial} (the loops'
 *     first)
 * @param arms single_pass, loop_uncertainty, loop_random: one point per iteration
 * @param wallSeconds the part's wall time
 * @param timings each stage's seconds
 */
public record LoopResult(DemoSettings settings, StageOutcome sft, Map<String, Double> rewardModels,
    Map<String, List<Point>> arms, double wallSeconds, Map<String, Double> timings) {

  /**
   * One arm after iteration {@code iteration}.
   *
   * @param iteration 1-based
   * @param labels annotator labels the arm's reward model has been trained on so far
   * @param scores the policy's gold, content and filler on the main part's held-out prompts
   * @param kl its mean sequence KL to SFT there
   * @param proxy the arm's current reward model's mean score of those samples
   * @param fillerBonus that reward model's mean score of "filler + right answer" minus "right answer" on those
   *     prompts: how much it has learnt the annotators' taste for filler
   * @param freshBefore the reward model the iteration started with, on fresh pairs of the policy it started from
   *     (held-out probe prompts, annotator labels): its staleness
   * @param freshAfter the refreshed reward model on the same pairs; NaN for the single pass (no refresh)
   * @param selectedBefore the loop's own {@code rm/fresh_accuracy_before}: on the pairs it chose and bought (biased
   *     toward ½ by uncertainty acquisition); NaN for the single pass
   * @param selectedAfter the loop's {@code rm/fresh_accuracy_after} on those pairs (which it has just trained on)
   */
  public record Point(int iteration, int labels, TaskScores scores, double kl, double proxy, double fillerBonus,
      double freshBefore, double freshAfter, double selectedBefore, double selectedAfter) {}

  /** An arm's last point. */
  Point last(String arm) {
    List<Point> p = arms.get(arm);
    return p.get(p.size() - 1);
  }

  /** The {@code loop} object of {@code summary.json}. */
  public ObjectNode summary() {
    LoopDemoSettings l = settings.loop();
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("iterations", l.iterations()).put("rl_iterations_per_iteration", l.rlIterations()).put("beta", l.beta())
        .put("initial_labels", l.initialLabels()).put("labels_per_iteration", l.labelsPerIteration());
    o.putObject("sft").put("gold_accuracy", sft.scores().goldAccuracy())
        .put("gold_accuracy_se", sft.scores().goldStandardError());
    ObjectNode rms = o.putObject("reward_models");
    rewardModels.forEach((k, v) -> rms.putObject(k).put("heldout_accuracy", v));
    ObjectNode a = o.putObject("arms");
    arms.forEach((name, points) -> {
      var array = a.putArray(name);
      for (Point p : points) {
        ObjectNode x = array.addObject().put("iteration", p.iteration()).put("labels", p.labels())
            .put("gold_accuracy", p.scores().goldAccuracy()).put("gold_accuracy_se", p.scores().goldStandardError())
            .put("content_accuracy", p.scores().contentAccuracy()).put("filler_rate", p.scores().fillerRate())
            .put("kl_to_sft", p.kl()).put("proxy", p.proxy()).put("rm_filler_bonus", p.fillerBonus());
        putOrNull(x, "rm/on_policy_accuracy_before", p.freshBefore());
        putOrNull(x, "rm/on_policy_accuracy_after", p.freshAfter());
        putOrNull(x, "rm/fresh_accuracy_before", p.selectedBefore());
        putOrNull(x, "rm/fresh_accuracy_after", p.selectedAfter());
      }
    });
    o.put("wall_seconds", wallSeconds);
    ObjectNode t = o.putObject("timings_seconds");
    timings.forEach(t::put);
    return o;
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
    LoopDemoSettings l = settings.loop();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "loop part: %d iterations x %d GRPO iterations, beta %s; %d + %d x %d"
        + " annotator labels; SFT gold %.3f%n", l.iterations(), l.rlIterations(), l.beta(), l.initialLabels(),
        l.iterations(), l.labelsPerIteration(), sft.scores().goldAccuracy()));
    b.append(String.format(Locale.ROOT, "%-17s %4s %6s %6s %7s %6s %6s %6s %9s %15s%n", "arm", "iter", "labels",
        "gold", "content", "filler", "proxy", "KL", "RM filler", "on-policy RM"));
    for (Map.Entry<String, List<Point>> e : arms.entrySet()) {
      for (Point p : e.getValue()) {
        b.append(String.format(Locale.ROOT, "%-17s %4d %6d %6.3f %7.3f %6.3f %6.3f %6.3f %+9.3f %15s%n", e.getKey(),
            p.iteration(), p.labels(), p.scores().goldAccuracy(), p.scores().contentAccuracy(),
            p.scores().fillerRate(), p.proxy(), p.kl(), p.fillerBonus(), Double.isNaN(p.freshAfter())
                ? String.format(Locale.ROOT, "%.3f", p.freshBefore())
                : String.format(Locale.ROOT, "%.3f -> %.3f", p.freshBefore(), p.freshAfter())));
      }
    }
    rewardModels.forEach((k, v) -> b.append(String.format(Locale.ROOT, "%s held-out accuracy %.3f%n", k, v)));
    b.append(String.format(Locale.ROOT, "loop wall time %.0f s%n", wallSeconds));
    return b.toString();
  }

  /** The report's loop section (HTML); the chart {@code loop.png} lies beside the report. */
  String html() {
    return "<h2>The loop: labels where the policy now is</h2>\n<pre>" + table().replace("&", "&amp;")
        .replace("<", "&lt;").replace(">", "&gt;") + "</pre>\n<img src=\"loop.png\" alt=\"gold and on-policy"
        + " reward-model accuracy per iteration\">\n<p>Every arm starts from the same SFT model, runs the same GRPO"
        + " iterations at the same weak leash and ends with the same number of annotator labels. <b>single_pass</b>"
        + " buys them all up front on SFT samples and trains its reward model once; the <b>loops</b> start from a"
        + " reward model on part of them and buy the rest each iteration on their current policy's samples"
        + " (<i>uncertainty</i>: pairs nearest P = &frac12;; <i>random</i>: any), refreshing the reward model before"
        + " each RL pass. <i>RM filler</i> is how much the arm's reward model pays for the annotators' favourite"
        + " filler on a right answer; <i>on-policy RM</i> its accuracy on fresh annotator-labelled pairs of the policy"
        + " the iteration started from, before &rarr; after its refresh: how stale it had become.</p>\n";
  }
}
