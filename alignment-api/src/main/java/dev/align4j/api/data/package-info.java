/**
 * Data records shared by the stages, after TRL's dataset conventions: demonstrations ({@code prompt}/{@code
 * completion} or {@code messages}), preference pairs ({@code prompt}/{@code chosen}/{@code rejected}, plain or
 * conversational), prompts for online RL, token batches and rollouts. Records validate their fields on construction.
 */
package dev.align4j.api.data;
