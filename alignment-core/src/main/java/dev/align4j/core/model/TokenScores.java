package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-token quantities of a padded batch, aligned with its ids: entry {@code [b][t]} is about predicting token
 * {@code t+1} from tokens {@code ≤ t}.
 *
 * @param logprobs {@code (B, T−1)} log-probs of the next tokens, 0 where {@code mask} is 0
 * @param entropy {@code (B, T−1)} entropy of each predictive distribution (0 where masked), or null if not asked
 * @param mask {@code (B, T−1)} 1 where both token {@code t} and token {@code t+1} are real
 * @param batch the padded batch the scores belong to
 */
public record TokenScores(NDArray logprobs, NDArray entropy, NDArray mask, PaddedBatch batch) {}
