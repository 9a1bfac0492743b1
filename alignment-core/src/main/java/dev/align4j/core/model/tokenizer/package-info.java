/**
 * Tokenizers: every model, imported or built-in, goes through {@code tokenizer.json} and DJL's binding of the Hugging
 * Face tokenizers library (loaded offline from its jar). The built-in character tokenizer is written as a WordLevel
 * {@code tokenizer.json} so that it takes the same path.
 */
package dev.align4j.core.model.tokenizer;
