/**
 * Run folders as the design lays them out: {@code config.json} (the resolved configuration), {@code metrics.jsonl}
 * (one object per logged step), {@code checkpoints/step-N/} written atomically, {@code final/}; resuming from the
 * newest checkpoint; progress on a terminal or as plain log lines.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.run;

import dev.align4j.api.Internal;
