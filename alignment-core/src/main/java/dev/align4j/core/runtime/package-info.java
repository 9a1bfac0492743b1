/** Starting DJL's PyTorch engine the way align4j needs it: offline, from the jars, without telemetry. *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.runtime;

import dev.align4j.api.Internal;
