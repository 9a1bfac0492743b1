package dev.align4j.core.train.internal;

import java.util.Map;

/**
 * What one optimizer step did.
 *
 * @param step the 1-based step number
 * @param loss the weighted mean loss over the micro-batches
 * @param gradNorm the global gradient norm before clipping
 * @param learningRate the scheduled learning rate used
 * @param metrics weighted means of the micro-batches' metrics
 */
public record StepResult(long step, double loss, double gradNorm, double learningRate, Map<String, Double> metrics) {}
