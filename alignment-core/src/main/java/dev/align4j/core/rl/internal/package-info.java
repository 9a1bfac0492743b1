/**
 * Internal: what PPO and GRPO (and the loop) share underneath: rollouts laid out so every response starts at the
 * same column, per-token scoring of those responses, the run of iterations (prompt order, sampling seeds, the
 * log-prob check of every batch), the reward sources and the KL coefficient. Not part of align4j's API.
 */
@Internal
package dev.align4j.core.rl.internal;

import dev.align4j.api.Internal;
