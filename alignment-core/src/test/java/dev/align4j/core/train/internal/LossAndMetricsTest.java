package dev.align4j.core.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step's metrics keep the objective's order, so every run writes the same {@code metrics.jsonl} lines. */
class LossAndMetricsTest {
  @Test
  void metricsKeepTheObjectivesOrder() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    for (int i = 20; i > 0; i--) {
      String name = "metric_" + (char) ('a' + i);
      metrics.put(name, (double) i);
      order.add(name);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      LossAndMetrics r = new LossAndMetrics(m.create(1f), metrics);
      assertEquals(order, new ArrayList<>(r.metrics().keySet()));
    }
  }
}
