/**
 * Run folders as the design lays them out: {@code config.json} (the resolved configuration), {@code metrics.jsonl}
 * (one object per logged step), {@code checkpoints/step-N/} written atomically, {@code final/}; resuming from the
 * newest checkpoint; progress on a terminal or as plain log lines.
 */
package dev.align4j.core.run;
