/**
 * The main job, {@code align demo}: the whole pipeline on the built-in task world (data → SFT → reward model → PPO,
 * GRPO and DPO from the same SFT checkpoint → evaluations → a β = 0 run traced against √KL) with a report that shows,
 * in numbers, why each stage exists and how each fails.
 */
package dev.align4j.examples.demo;
