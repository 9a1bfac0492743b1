/**
 * Chat templates exactly as transformers applies them: {@link dev.align4j.core.chat.ChatTemplate} loads a Hugging Face
 * folder's template and special tokens and renders conversations byte for byte as Python's jinja2 does under
 * transformers' settings ({@link dev.align4j.core.chat.TransformersJinja}); {@link dev.align4j.core.chat.ChatTokenizer}
 * tokenises the text as {@code apply_chat_template(tokenize=True)} does; {@link dev.align4j.core.chat.AssistantSpans}
 * finds the assistant text that SFT trains on.
 *
 * <p><b>Internal</b>: align4j's own plumbing, public for its modules, not part of its API; it may change in any
 * release. Applications use {@code dev.align4j.core} and the stage packages.
 */
@Internal
package dev.align4j.core.chat;

import dev.align4j.api.Internal;
