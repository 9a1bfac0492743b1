/**
 * Decoder-only transformers built from DJL NDArray ops and loaded from Hugging Face folders: the Llama family
 * (Llama, Qwen2/Qwen3, SmolLM, Mistral-style) and GPT-2; heads for language modelling, reward and value; batched
 * scoring with padding; KV-cached generation; saving back to a folder that {@code transformers} loads.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.model;

import dev.align4j.api.Internal;
