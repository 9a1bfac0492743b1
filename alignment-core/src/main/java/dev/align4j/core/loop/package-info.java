/** The alignment loop: fresh prompts, labels where the reward model is weakest, a refreshed reward model, RL again. */
package dev.align4j.core.loop;
