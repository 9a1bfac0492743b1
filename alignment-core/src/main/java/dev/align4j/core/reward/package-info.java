/** The reward model: the Bradley–Terry objective and (later) its trainer and evaluation. */
package dev.align4j.core.reward;
