/**
 * Reading users' data files in TRL's JSONL formats, with errors that name the file, the line, the field and the
 * remedy; counting what is duplicated or useless (a pair whose chosen and rejected are identical) instead of dropping
 * it silently; deterministic shuffling and train/eval splits.
 */
package dev.align4j.core.data;
