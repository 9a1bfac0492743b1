/**
 * The shared differentiable numerics of every stage, written with DJL {@link ai.djl.ndarray.NDArray} ops so that
 * autograd flows through them: stable log-sigmoid, log-softmax gathers, entropy, full-vocabulary KL, the per-token
 * KL estimators and masked reductions. Each has a no-grad twin in the kernel SPI; both are held to the conformance
 * vectors.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.math;

import dev.align4j.api.Internal;
