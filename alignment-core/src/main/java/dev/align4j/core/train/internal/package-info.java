/**
 * Internal: the training engine every trainer shares (AdamW, gradient steps with accumulation and clipping, the
 * offline loop, checkpoints, run context). Not part of align4j's API.
 */
@Internal
package dev.align4j.core.train.internal;

import dev.align4j.api.Internal;
