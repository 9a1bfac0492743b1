/** PPO: the clipped policy surrogate and the clipped value loss (and, later, rollouts and the trainer). */
package dev.align4j.core.ppo;
