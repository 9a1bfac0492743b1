/** Starting DJL's PyTorch engine the way align4j needs it: offline, from the jars, without telemetry. */
package dev.align4j.core.runtime;
