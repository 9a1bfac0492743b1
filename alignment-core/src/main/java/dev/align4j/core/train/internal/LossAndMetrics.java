package dev.align4j.core.train.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import com.google.common.collect.ImmutableMap;
import java.util.Map;

/**
 * A micro-batch's scalar loss (with autograd) and scalar metrics already read out.
 *
 * @param loss scalar, averaged over the micro-batch's weight units
 * @param metrics named values in the metric vocabulary
 */
public record LossAndMetrics(NDArray loss, Map<String, Double> metrics) {
  public LossAndMetrics {
    checkNotNull(loss, "loss");
    // in the objective's order: Map.copyOf would iterate in an order that changes from one JVM to the next, and so
    // would every metrics.jsonl line
    metrics = ImmutableMap.copyOf(metrics);
  }
}
