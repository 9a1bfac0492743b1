package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link EnsembleTrainer} returns when the caller wants the measurements too: the ensemble and each member's last
 * logged metrics (final held-out evaluation {@code eval/…} included). Owns the ensemble: close it, or the ensemble.
 *
 * @param ensemble the trained ensemble
 * @param memberMetrics one map per member, in member order
 */
public record EnsembleTraining(RewardEnsemble ensemble, List<Map<String, Double>> memberMetrics)
    implements AutoCloseable {
  /** Validates the fields and copies the metrics: one map per member. */
  public EnsembleTraining {
    checkNotNull(ensemble, "ensemble");
    checkNotNull(memberMetrics, "memberMetrics");
    checkArgument(memberMetrics.size() == ensemble.size(), "one metrics map per member: %s members, %s maps",
        ensemble.size(), memberMetrics.size());
    List<Map<String, Double>> copy = new ArrayList<>();
    for (Map<String, Double> m : memberMetrics) {
      copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(m)));
    }
    memberMetrics = List.copyOf(copy);
  }

  /**
   * A metric averaged over the members, for example {@code eval/accuracy}.
   *
   * @throws IllegalArgumentException when a member did not log it, naming the member and the metrics it has
   */
  public double meanMetric(String name) {
    double sum = 0;
    for (int k = 0; k < memberMetrics.size(); k++) {
      Double v = memberMetrics.get(k).get(name);
      checkArgument(v != null, "member %s logged no metric %s; it has %s", k, name, memberMetrics.get(k).keySet());
      sum += v;
    }
    return sum / memberMetrics.size();
  }

  /** Closes the ensemble. */
  @Override
  public void close() {
    ensemble.close();
  }
}
