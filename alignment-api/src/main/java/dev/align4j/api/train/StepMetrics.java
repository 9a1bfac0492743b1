package dev.align4j.api.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Map;

/**
 * Metrics of one logged training step, with the keys of the design's metric vocabulary ({@code loss/total},
 * {@code kl/reference}, {@code rewards/accuracies}, …; evaluation keys are prefixed {@code eval/}).
 *
 * @param stage e.g. {@code sft}, {@code rm}, {@code ppo}
 * @param step 1-based optimizer step
 * @param seconds wall time since the run started
 * @param values metric values, in insertion order
 */
public record StepMetrics(String stage, long step, double seconds, Map<String, Double> values) {
  /**
   * Validates the fields and copies {@code values} into an unmodifiable map in the same order; throws
   * {@link NullPointerException} for a null stage or map and {@link IllegalArgumentException} for a negative step.
   *
   * @param stage not null
   * @param step {@code >= 0}
   * @param seconds wall time in seconds; not checked
   * @param values not null; copied
   */
  public StepMetrics {
    checkNotNull(stage, "stage");
    checkArgument(step >= 0, "step must be >= 0, got %s", step);
    values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
  }
}
