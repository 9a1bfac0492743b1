package dev.align4j.core.task;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.judge.Comparison;
import dev.align4j.api.judge.Judge;
import dev.align4j.api.judge.Judgement;
import dev.align4j.api.judge.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in world's constitutional judge: a rule-following stand-in for a chat model asked "which response better
 * follows principle X?". It reads the task from the prompt text, scores both answers by the principle's rule and
 * answers with option probabilities, as a chat model's {@code (A)}/{@code (B)} token probabilities would.
 *
 * <p>Its fallibility is set, so the demo can show what a labeller passes on: on a pair the principle can decide, it
 * believes the wrong answer better with probability {@code 1 − accuracy(principle)} (fixed per pair and principle,
 * whatever the order shown); it puts {@code confidence} on the answer it believes better; and a position bias adds
 * {@code positionBias} to the logit of option (A), as small chat models favour one position (Lee et al. 2023: their
 * smallest labeller chose the same position in 56 % of pairs). On a pair the principle cannot decide (both answers
 * score the same) only the bias speaks: P(A) = σ(positionBias), so one order labels such pairs by position and both
 * orders average them to exactly ½.
 */
public final class WorldJudge implements Judge {
  private final WorldRules rules;
  private final Settings settings;

  public WorldJudge(TaskWorld world, Settings settings) {
    this.rules = new WorldRules(checkNotNull(world, "world"));
    this.settings = checkNotNull(settings, "settings");
  }

  @Override
  public String id() {
    return "world-judge(accuracy " + settings.accuracy() + ", confidence " + settings.confidence()
        + ", position-bias " + settings.positionBias() + ", seed " + settings.seed() + ")";
  }

  @Override
  public List<Judgement> judge(List<Comparison> questions) {
    List<Judgement> out = new ArrayList<>(questions.size());
    for (Comparison q : questions) {
      out.add(judge(q));
    }
    return out;
  }

  private Judgement judge(Comparison q) {
    String principle = q.principle().id();
    if (!rules.knows(principle)) {
      return new Judgement(new Outcome.Invalid("the world judge has no rule for principle " + principle
          + " (it follows " + WorldRules.PRINCIPLES + ")"), "");
    }
    Optional<Task> task = rules.task(q.prompt());
    if (task.isEmpty()) {
      return new Judgement(new Outcome.Invalid("the prompt is no task of the built-in world"), "");
    }
    int a = rules.score(principle, task.get(), q.first());
    int b = rules.score(principle, task.get(), q.second());
    double logit = settings.positionBias();
    String belief = "undecided";
    if (a != b) {
      boolean firstBetter = a > b;
      // the belief depends on the unordered pair, so both orders see the same (possibly wrong) judgement
      boolean firstIsLower = q.first().compareTo(q.second()) <= 0;
      String lo = firstIsLower ? q.first() : q.second();
      String hi = firstIsLower ? q.second() : q.first();
      boolean wrong = WorldRules.uniform(settings.seed(), principle, task.get().prompt(), lo, hi)
          >= settings.accuracy(principle);
      boolean believesFirst = firstBetter != wrong;
      double c = settings.confidence();
      logit += (believesFirst ? 1 : -1) * Math.log(c / (1 - c));
      belief = believesFirst ? "A" : "B";
    }
    double pA = 1 / (1 + Math.exp(-logit));
    String raw = String.format(java.util.Locale.ROOT, "world judge, principle %s: scores A %d, B %d; believes %s;"
        + " P(A) %.6f, P(B) %.6f", principle, a, b, belief, pA, 1 - pA);
    return new Judgement(new Outcome.Preferred(pA), raw);
  }

  /**
   * The world judge's fallibility.
   *
   * @param accuracy per principle id, the probability of believing the better answer better where the principle
   *     decides; principles not listed use {@code defaultAccuracy}
   * @param defaultAccuracy for principles not in {@code accuracy}
   * @param confidence the probability put on the answer believed better, in (0.5, 1)
   * @param positionBias added to the logit of option (A); 0 for none
   * @param seed fixes which pairs the judge gets wrong
   */
  public record Settings(Map<String, Double> accuracy, double defaultAccuracy, double confidence,
      double positionBias, long seed) {
    public Settings {
      checkNotNull(accuracy, "accuracy");
      accuracy = Map.copyOf(accuracy);
      accuracy.forEach((k, v) -> checkArgument(v >= 0 && v <= 1, "accuracy of principle %s must be in [0, 1], got %s",
          k, v));
      checkArgument(defaultAccuracy >= 0 && defaultAccuracy <= 1, "defaultAccuracy must be in [0, 1], got %s",
          defaultAccuracy);
      checkArgument(confidence > 0.5 && confidence < 1, "confidence must be in (0.5, 1), got %s", confidence);
      checkArgument(Double.isFinite(positionBias), "positionBias must be finite, got %s", positionBias);
    }

    /** The accuracy used for {@code principle}. */
    public double accuracy(String principle) {
      return accuracy.getOrDefault(principle, defaultAccuracy);
    }

    /** These settings with another position bias. */
    public Settings withPositionBias(double bias) {
      return new Settings(accuracy, defaultAccuracy, confidence, bias, seed);
    }

    /**
     * The demo's judge: right on correctness 85 % of the time (it must work the task out), on filler 98 % and on
     * length 95 %; 90 % confident; no position bias.
     */
    public static Settings defaults() {
      Map<String, Double> a = new LinkedHashMap<>();
      a.put("correct", 0.85);
      a.put("no-filler", 0.98);
      a.put("concise", 0.95);
      return new Settings(a, 0.9, 0.9, 0.0, 0);
    }
  }
}
