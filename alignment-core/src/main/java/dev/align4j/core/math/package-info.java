/**
 * The shared differentiable numerics of every stage, written with DJL {@link ai.djl.ndarray.NDArray} ops so that
 * autograd flows through them: stable log-sigmoid, log-softmax gathers, entropy, full-vocabulary KL, the per-token
 * KL estimators and masked reductions. Each has a no-grad twin in the kernel SPI; both are held to the conformance
 * vectors.
 */
package dev.align4j.core.math;
