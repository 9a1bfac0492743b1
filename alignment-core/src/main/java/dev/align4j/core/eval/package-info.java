/**
 * Evaluations of each stage's own failure mode: exact KL to the reference on held-out prompts (drift), and, with the
 * demo, gold accuracy, diversity and forgetting.
 */
package dev.align4j.core.eval;
