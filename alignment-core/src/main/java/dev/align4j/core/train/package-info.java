/**
 * The training engine every stage shares: AdamW with decoupled weight decay, global-norm gradient clipping,
 * warm-up plus cosine or linear learning-rate schedules, gradient accumulation weighted so that it equals the large
 * batch, a per-step NDManager so memory stays flat, and a loud stop on a non-finite loss or gradient.
 */
package dev.align4j.core.train;
