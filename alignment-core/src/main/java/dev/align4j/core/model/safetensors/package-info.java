/**
 * align4j's own safetensors reader and writer (the format of Hugging Face checkpoints): a bounded header, every entry
 * checked against the file before any data is read, F32/F16/BF16 (and F64) widened or narrowed to float32, sharded
 * checkpoints through {@code model.safetensors.index.json}, atomic writes. DJL's own reader caps files at 2 GB and
 * crashes the JVM on bfloat16, hence this one.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.model.safetensors;

import dev.align4j.api.Internal;
