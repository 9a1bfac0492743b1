package dev.align4j.examples.demo;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The sizes of the demo's loop part. Every arm runs {@code iterations × rlIterations} GRPO iterations at the same
 * leash and ends with the same number of labels ({@code initialLabels + iterations × labelsPerIteration}); only when
 * and on what the labels are bought differs.
 *
 * @param iterations loop iterations K (the single pass runs its GRPO in as many chunks, evaluated after each)
 * @param rlIterations GRPO iterations per loop iteration
 * @param initialLabels labelled SFT-sample pairs the loop's first reward model is trained on
 * @param labelsPerIteration labels each loop iteration buys on its policy's samples; the single pass gets as many
 *     more SFT-sample pairs up front
 * @param promptsPerIteration fresh prompts per iteration (the candidates' prompts and that iteration's RL prompts)
 * @param samplesPerPrompt completions per prompt from which the loop's candidate pairs are formed
 * @param beta every arm's KL coefficient: a weak leash, so that a single pass over-optimises
 * @param probePerFamily held-out prompts per family whose fresh on-policy pairs, labelled by the annotators, measure
 *     each reward model's on-policy accuracy (staleness)
 */
public record LoopDemoSettings(int iterations, int rlIterations, int initialLabels, int labelsPerIteration,
    int promptsPerIteration, int samplesPerPrompt, double beta, int probePerFamily) {
  public LoopDemoSettings {
    checkArgument(iterations >= 1 && rlIterations >= 1, "loop part needs iterations >= 1 and rlIterations >= 1,"
        + " got %s and %s", iterations, rlIterations);
    checkArgument(initialLabels >= 1 && labelsPerIteration >= 1, "loop part needs labels, got initialLabels %s and"
        + " labelsPerIteration %s", initialLabels, labelsPerIteration);
    checkArgument(samplesPerPrompt >= 2, "samplesPerPrompt must be >= 2, got %s", samplesPerPrompt);
    checkArgument(beta >= 0, "beta must be >= 0, got %s", beta);
    checkArgument(probePerFamily >= 1, "probePerFamily must be >= 1, got %s", probePerFamily);
  }
}
