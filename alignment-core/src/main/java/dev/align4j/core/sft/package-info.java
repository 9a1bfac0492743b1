/** Supervised fine-tuning: the completion-only cross-entropy objective and (later) its trainer. */
package dev.align4j.core.sft;
