/**
 * Runs conformance vectors (the JSONL format of {@code shared/conformance/README.md}) against every implementation
 * the library has of each op: the differentiable NDArray objective, the no-grad kernel of each usable
 * {@link dev.align4j.api.kernel.KernelProvider}, or both. A case passes only if all of them match within its
 * tolerance. Used by the test suite and by {@code align conformance}.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.conformance;

import dev.align4j.api.Internal;
