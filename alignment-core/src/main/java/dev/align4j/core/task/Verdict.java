package dev.align4j.core.task;

/**
 * The gold judge's view of one completion.
 *
 * @param gold exactly the correct answer and no filler: what people want
 * @param contentCorrect the answer is right once filler is ignored
 * @param filler the completion carries the filler
 */
public record Verdict(boolean gold, boolean contentCorrect, boolean filler) {}
