/**
 * What PPO and GRPO share: rewards from a reward model and verifiable functions, rollouts sampled from the policy and
 * laid out so every response starts at the same column, per-token scoring of those responses, the check that
 * sampling-time log-probs equal the training forward pass, and the KL coefficient.
 */
package dev.align4j.core.rl;
