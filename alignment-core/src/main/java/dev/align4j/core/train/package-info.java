/**
 * What every trainer shares, as users see it: the common training options ({@link dev.align4j.core.train.TrainingArgs}
 * and its builder), learning-rate schedules, the trainer settings (listeners, an optional run folder, cancellation)
 * and the {@link dev.align4j.core.train.TrainingResult} a trainer returns. The engine itself (AdamW, gradient steps,
 * the loop, checkpoints) lives in {@code train.internal}.
 */
package dev.align4j.core.train;
