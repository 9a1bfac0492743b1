/** GRPO: group-relative policy optimisation without a value model; its loss family and (later) its trainer. */
package dev.align4j.core.grpo;
