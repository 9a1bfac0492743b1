/**
 * The built-in task world of the demo and the integration tests: short symbolic instructions a tiny model can learn
 * ({@code reverse: abcd → dcba}, {@code sort}, {@code count a}, {@code max}), simulated annotators who write
 * demonstrations with realistic faults and filler, simulated labellers who compare answers by a hidden utility with a
 * taste for filler, and the gold judge (exactly correct, no filler) that only evaluation consults.
 */
package dev.align4j.core.task;
