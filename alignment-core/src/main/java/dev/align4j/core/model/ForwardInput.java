package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;

/**
 * What a forward pass reads, all in the step's manager.
 *
 * @param ids {@code (B, T)} int64 token ids (padding holds the pad id)
 * @param positions {@code (B, T)} int64 position of each token within its own row (left padding shifts them)
 * @param mask {@code (B, 1, 1, T, S)} additive attention mask, 0 where query t may see key s and −1e9 elsewhere;
 *     {@code S} counts cached tokens plus {@code T}
 */
public record ForwardInput(NDArray ids, NDArray positions, NDArray mask) {}
