/**
 * Tokenizers: every model, imported or built-in, goes through {@code tokenizer.json} and DJL's binding of the Hugging
 * Face tokenizers library (loaded offline from its jar). The built-in character tokenizer is written as a WordLevel
 * {@code tokenizer.json} so that it takes the same path.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.model.tokenizer;

import dev.align4j.api.Internal;
