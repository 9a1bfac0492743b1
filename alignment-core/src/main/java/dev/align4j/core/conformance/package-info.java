/**
 * Runs conformance vectors (the JSONL format of {@code shared/conformance/README.md}) against every implementation
 * the library has of each op: the differentiable NDArray objective, the no-grad kernel of each usable
 * {@link dev.align4j.api.kernel.KernelProvider}, or both. A case passes only if all of them match within its
 * tolerance. Used by the test suite and by {@code align conformance}.
 */
package dev.align4j.core.conformance;
