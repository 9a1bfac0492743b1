/**
 * The pure-Java CPU implementation of the kernel SPI ({@link dev.align4j.api.kernel.KernelProvider}).
 *
 * <p>{@link dev.align4j.core.kernel.CpuKernelProvider} validates arguments and runs the inner loops of one
 * {@link dev.align4j.core.kernel.CpuKernelPath}: {@code VectorLoops}, written with the incubating Vector API and
 * compiled from {@code src/main/java-vector}, when the JVM has {@code jdk.incubator.vector}; otherwise
 * {@link dev.align4j.core.kernel.ScalarLoops}, the reference. Softmax-family kernels make one pass over each logit
 * row from memory with an online log-sum-exp, so logits of ±100 neither overflow nor lose the small terms; advantage
 * kernels accumulate statistics in double. Large calls are split by rows across threads
 * ({@link dev.align4j.core.kernel.RowSplitter}); steady-state calls allocate nothing. Nothing here starts DJL.
 *
 * <p>What JDK 17's C2 does with Vector API code decided much of {@code VectorLoops}' shape; each rule was measured
 * at 2× to 100×: no method call inside a vector loop, even on a branch never taken (the live vectors get boxed); no
 * helper that takes or returns a vector unless it is sure to be inlined (C2 stops inlining once a method reaches its
 * node budget, and then some intrinsics fail too, differently from run to run); loop-carried vectors start from
 * {@code zero()} or a broadcast, never from a {@code static final} vector; constants are hoisted vectors, not
 * scalar arguments; integer min/max on bit patterns instead of the Java-semantics float min/max. {@code
 * ZeroAllocationTest} catches a kernel that boxes.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.kernel;

import dev.align4j.api.Internal;
