/**
 * Differentiable objectives: a typed input of {@link ai.djl.ndarray.NDArray}s in, a scalar loss with autograd plus
 * named metrics out. One objective per file in {@code alignment-core}; users add their own by implementing
 * {@link dev.align4j.api.objective.Objective}.
 */
package dev.align4j.api.objective;
