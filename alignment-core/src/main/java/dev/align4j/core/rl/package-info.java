/**
 * What PPO and GRPO share, as users see it: the options both take ({@link dev.align4j.core.rl.RlArgs} and its
 * builder base), the built-in verifiable rewards ({@code exact}, {@code contains:TEXT}), and the error a sampling /
 * training log-prob mismatch raises. The machinery underneath is in {@code rl.internal}.
 */
package dev.align4j.core.rl;
