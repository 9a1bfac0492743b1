/**
 * The alignment loop: fresh prompts, on-policy samples, the pairs the reward model handles worst labelled, a
 * refreshed reward model (or ensemble), another RL pass; resumable at any step. Start at {@link
 * dev.align4j.core.loop.AlignmentLoop}.
 */
package dev.align4j.core.loop;
