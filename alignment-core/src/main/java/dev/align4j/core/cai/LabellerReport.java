package dev.align4j.core.cai;

import com.google.common.collect.ImmutableMap;
import dev.align4j.api.judge.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How good the labeller was, measured on its own output (issue 12's diagnostics): what it labelled and why not, how
 * consistent its judge is across orders, how often it picks the first-shown answer, how decided its labels are, and
 * (where the input carried reference labels) its agreement with them, overall and per principle.
 *
 * @param pairs pairs asked
 * @param labelled pairs with a preference
 * @param ties pairs whose votes balance at ½
 * @param invalid pairs with an answer outside the options
 * @param refused pairs the judge declined
 * @param failed pairs with a failed call
 * @param positionConsistency over (pair, principle) units whose two orders were both answered and not both exactly
 *     ½: the share where both orders pick the same completion; NaN with one order
 * @param firstPositionRate over single-order verdicts that pick a side: the share picking the answer shown first
 *     (½ for an unbiased judge on randomly ordered pairs)
 * @param meanDecisiveness mean |p − ½| over labelled pairs
 * @param agreement labelled pairs with a reference label that pick its better completion
 * @param perPrinciple the same diagnostics per principle id, from that principle's votes
 */
public record LabellerReport(int pairs, int labelled, int ties, int invalid, int refused, int failed,
    double positionConsistency, double firstPositionRate, double meanDecisiveness, Agreement agreement,
    Map<String, PrincipleReport> perPrinciple) {

  public LabellerReport {
    perPrinciple = ImmutableMap.copyOf(perPrinciple);   // keeps the caller's order (Map.copyOf's varies per JVM)
  }

  /**
   * One principle's diagnostics.
   *
   * @param questions pairs asked about it
   * @param positionConsistency as the report's, on this principle's votes
   * @param firstPositionRate as the report's, on this principle's votes
   * @param agreement this principle's verdict (its votes averaged over orders) against the reference labels
   */
  public record PrincipleReport(int questions, double positionConsistency, double firstPositionRate,
      Agreement agreement) {}

  /**
   * The report in one line for a terminal: counts, then the rates that show a biased or undecided judge, then the
   * agreement with reference labels where there were any.
   */
  public String summary() {
    StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
        "pairs %d, labelled %d, ties %d, invalid %d, refused %d, failed %d; position consistency %s, first position"
            + " rate %s, mean |p-0.5| %s", pairs, labelled, ties, invalid, refused, failed, rate(positionConsistency),
        rate(firstPositionRate), rate(meanDecisiveness)));
    if (agreement.n() > 0) {
      b.append(String.format(java.util.Locale.ROOT, "; agreement %.3f [%.3f, %.3f] on %d", agreement.rate(),
          agreement.low(), agreement.high(), agreement.n()));
    }
    return b.toString();
  }

  private static String rate(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", v);
  }

  /** The diagnostics of {@code labels}. */
  public static LabellerReport of(List<PairLabel> labels) {
    int labelled = 0;
    int ties = 0;
    int invalid = 0;
    int refused = 0;
    int failed = 0;
    double decisiveness = 0;
    int compared = 0;
    int agreeing = 0;
    for (PairLabel l : labels) {
      Outcome o = l.outcome();
      if (o instanceof Outcome.Preferred p) {
        labelled++;
        decisiveness += Math.abs(p.pFirst() - 0.5);
        if (l.reference().isPresent()) {
          compared++;
          agreeing += (p.pFirst() > 0.5 ? 0 : 1) == l.reference().getAsInt() ? 1 : 0;
        }
      } else if (o instanceof Outcome.Tie) {
        ties++;
      } else if (o instanceof Outcome.Invalid) {
        invalid++;
      } else if (o instanceof Outcome.Refused) {
        refused++;
      } else {
        failed++;
      }
    }
    Map<String, List<Unit>> byPrinciple = new TreeMap<>();
    for (PairLabel l : labels) {
      Map<String, Unit> units = new LinkedHashMap<>();
      for (Vote v : l.votes()) {
        units.computeIfAbsent(v.principle(), k -> new Unit(l, new ArrayList<>())).votes().add(v);
      }
      units.forEach((k, u) -> byPrinciple.computeIfAbsent(k, x -> new ArrayList<>()).add(u));
    }
    List<Unit> all = byPrinciple.values().stream().flatMap(List::stream).toList();
    Map<String, PrincipleReport> per = new LinkedHashMap<>();
    byPrinciple.forEach((k, units) -> per.put(k, new PrincipleReport(units.size(), consistency(units),
        firstPosition(units), principleAgreement(units))));
    return new LabellerReport(labels.size(), labelled, ties, invalid, refused, failed, consistency(all),
        firstPosition(all), labelled == 0 ? Double.NaN : decisiveness / labelled, new Agreement(compared, agreeing),
        per);
  }

  /** One pair's votes on one principle. */
  private record Unit(PairLabel label, List<Vote> votes) {}

  /** +1 for completion 0, −1 for completion 1, 0 for neither. */
  private static int pick(double pCompletion0) {
    return pCompletion0 > 0.5 ? 1 : pCompletion0 < 0.5 ? -1 : 0;
  }

  private static double consistency(List<Unit> units) {
    int n = 0;
    int same = 0;
    for (Unit u : units) {
      Vote ab = u.votes().stream().filter(v -> !v.swapped()).findFirst().orElse(null);
      Vote ba = u.votes().stream().filter(Vote::swapped).findFirst().orElse(null);
      if (ab == null || ba == null || Double.isNaN(ab.pCompletion0()) || Double.isNaN(ba.pCompletion0())) {
        continue;
      }
      int a = pick(ab.pCompletion0());
      int b = pick(ba.pCompletion0());
      if (a == 0 && b == 0) {
        continue;                       // no preference in either order: consistent in nothing to count
      }
      n++;
      same += a == b ? 1 : 0;
    }
    return n == 0 ? Double.NaN : same / (double) n;
  }

  private static double firstPosition(List<Unit> units) {
    int n = 0;
    int first = 0;
    for (Unit u : units) {
      for (Vote v : u.votes()) {
        double p = v.pShownFirst();
        if (Double.isNaN(p) || p == 0.5) {
          continue;
        }
        n++;
        first += p > 0.5 ? 1 : 0;
      }
    }
    return n == 0 ? Double.NaN : first / (double) n;
  }

  private static Agreement principleAgreement(List<Unit> units) {
    int n = 0;
    int agreeing = 0;
    for (Unit u : units) {
      if (u.label().reference().isEmpty()) {
        continue;
      }
      double sum = 0;
      boolean answered = true;
      for (Vote v : u.votes()) {
        answered &= !Double.isNaN(v.pCompletion0());
        sum += v.pCompletion0();
      }
      int pick = answered ? pick(sum / u.votes().size()) : 0;
      if (pick == 0) {
        continue;
      }
      n++;
      agreeing += (pick > 0 ? 0 : 1) == u.label().reference().getAsInt() ? 1 : 0;
    }
    return new Agreement(n, agreeing);
  }
}
