/** Contracts between trainers and the outside: step listeners and resumable checkpoints. */
package dev.align4j.api.train;
