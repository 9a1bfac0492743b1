/**
 * The contracts of align4j: what a policy, a reward model, a reward function and a value model are, as seen by the
 * trainers of every stage (SFT, reward modelling, PPO, GRPO, DPO). Implementations live in {@code alignment-core}
 * (native DJL transformers) and can be supplied by users (a remote judge, a unit-test reward).
 *
 * <p>Sub-packages: {@link dev.align4j.api.kernel} (the no-grad kernel SPI over flat float buffers),
 * {@link dev.align4j.api.objective} (differentiable objectives), {@link dev.align4j.api.data} (data records),
 * {@link dev.align4j.api.judge} (constitutions, chat models, judges, revisers and labellers) and
 * {@link dev.align4j.api.train} (training listeners and checkpoints).
 */
package dev.align4j.api;
