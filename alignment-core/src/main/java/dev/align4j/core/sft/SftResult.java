package dev.align4j.core.sft;

import java.nio.file.Path;
import java.util.Map;

/**
 * What an SFT run produced.
 *
 * @param finalModel the Hugging Face folder of the trained model ({@code OUT/final})
 * @param steps optimizer steps of the run
 * @param metrics the last logged metrics, {@code eval/…} included
 * @param initialEval held-out metrics before training (empty without evaluation data)
 */
public record SftResult(Path finalModel, long steps, Map<String, Double> metrics, Map<String, Double> initialEval) {}
