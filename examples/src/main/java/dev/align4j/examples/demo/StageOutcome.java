package dev.align4j.examples.demo;

import dev.align4j.core.eval.TaskScores;
import java.util.List;
import java.util.Map;

/**
 * A policy's evaluation in the demo.
 *
 * @param name sft, ppo, grpo, dpo or beta0
 * @param scores gold, content and filler on held-out tasks
 * @param kl mean exact sequence KL to the SFT model on held-out prompts (0 for SFT)
 * @param heldOutLoss SFT loss on held-out demonstrations
 * @param winRateVsSft gold-judge win-rate against SFT samples of the same prompts
 * @param seconds training time of the stage
 * @param samples the judged completions (task-major)
 * @param history per-iteration metrics (RL stages), empty otherwise
 */
record StageOutcome(String name, TaskScores scores, double kl, double heldOutLoss, double winRateVsSft,
    double seconds, List<String> samples, List<Map<String, Double>> history) {}
