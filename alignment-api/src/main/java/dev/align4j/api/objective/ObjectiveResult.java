package dev.align4j.api.objective;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import com.google.common.collect.ImmutableMap;
import java.util.Map;

/**
 * What an {@link Objective} returns: the scalar loss (with autograd) and named outputs without gradient.
 *
 * <p>Outputs use the metric vocabulary of the design ({@code policy/clipfrac}, {@code rewards/margins}, …) for
 * scalars; per-example outputs (e.g. DPO's per-pair losses) are arrays under their own names.
 *
 * @param loss a scalar NDArray
 * @param outputs named metric and per-example arrays, in insertion order
 */
public record ObjectiveResult(NDArray loss, Map<String, NDArray> outputs) {
  /**
   * Validates the loss and copies {@code outputs} into an immutable map in the same order; throws
   * {@link IllegalArgumentException} for a loss of more than one element and {@link NullPointerException} for a null
   * loss, map, name or array.
   *
   * @param loss one element, e.g. shape {@code ()} or {@code (1)}
   * @param outputs no null names or arrays; copied
   */
  public ObjectiveResult {
    checkNotNull(loss, "loss");
    checkArgument(loss.getShape().size() == 1, "loss must be a scalar, got shape %s", loss.getShape());
    outputs = ImmutableMap.copyOf(outputs);
  }

  /**
   * A result with the given loss and outputs.
   *
   * @param loss a scalar (one element) with autograd
   * @param outputs named metric and per-example arrays; copied, keeping their order
   * @return the validated result
   */
  public static ObjectiveResult of(NDArray loss, Map<String, NDArray> outputs) {
    return new ObjectiveResult(loss, outputs);
  }

  /**
   * The named output as an array (no gradient).
   *
   * @param name the output's name, e.g. {@code "rewards/margins"}
   * @return the array as the objective stored it, not a copy
   * @throws IllegalArgumentException when there is no output of that name; the message lists the names there are
   */
  public NDArray output(String name) {
    NDArray a = outputs.get(name);
    checkArgument(a != null, "no output named %s; outputs are %s", name, outputs.keySet());
    return a;
  }

  /**
   * A scalar output as a double (forces evaluation).
   *
   * @param name the name of a one-element output, e.g. {@code "policy/clipfrac"}
   * @return its value, converted to float64
   * @throws IllegalArgumentException when there is no output of that name or it holds more than one element
   */
  public double metric(String name) {
    NDArray a = output(name);
    checkArgument(a.size() == 1, "output %s is not a scalar, shape %s", name, a.getShape());
    return a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }

  /**
   * The loss as a double (forces evaluation).
   *
   * @return the loss value, converted to float64
   */
  public double lossValue() {
    return loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }
}
