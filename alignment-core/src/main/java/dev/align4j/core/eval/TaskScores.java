package dev.align4j.core.eval;

import dev.align4j.core.task.Family;
import java.util.Map;

/**
 * How a policy does on held-out tasks, judged by the gold standard.
 *
 * @param goldAccuracy share of samples exactly right without filler
 * @param contentAccuracy share right once filler is ignored
 * @param fillerRate share carrying the filler
 * @param perFamily the three numbers per family: {@code [gold, content, filler]}
 * @param distinct2 distinct character bigrams over all bigrams of the completions (diversity; mode collapse lowers it)
 * @param samples number of samples judged
 */
public record TaskScores(double goldAccuracy, double contentAccuracy, double fillerRate,
    Map<Family, double[]> perFamily, double distinct2, int samples) {}
