package dev.align4j.api.objective;

/**
 * A training objective: a typed batch in, a loss plus named metrics out.
 *
 * <p>The loss must stay differentiable with respect to every input that carries a gradient; metrics are computed
 * without gradient. An objective neither mutates its input nor knows about the trainer that calls it.
 *
 * @param <I> the input type, a record of NDArrays with documented shapes
 */
@FunctionalInterface
public interface Objective<I> {
  /**
   * Computes the loss and metrics of one batch.
   *
   * @param input one batch, read but never mutated
   * @return the scalar loss, differentiable with respect to the inputs that carry a gradient, and the named outputs
   */
  ObjectiveResult compute(I input);
}
