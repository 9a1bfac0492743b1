package dev.align4j.core.train.internal;

import ai.djl.ndarray.NDArray;
import dev.align4j.api.objective.ObjectiveResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** The metrics a trainer logs from an objective: its scalar (0-dimensional) outputs, in the objective's order. */
public final class ObjectiveMetrics {
  private ObjectiveMetrics() {}

  /** Every 0-dimensional output as a double; per-example arrays are left out. */
  public static Map<String, Double> scalars(ObjectiveResult r) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : r.outputs().entrySet()) {
      if (e.getValue().getShape().dimension() == 0) {
        out.put(e.getKey(), r.metric(e.getKey()));
      }
    }
    return out;
  }
}
