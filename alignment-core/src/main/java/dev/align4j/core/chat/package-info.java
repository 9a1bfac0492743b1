/**
 * Chat templates exactly as transformers applies them: {@link dev.align4j.core.chat.ChatTemplate} loads a Hugging Face
 * folder's template and special tokens and renders conversations byte for byte as Python's jinja2 does under
 * transformers' settings ({@link dev.align4j.core.chat.TransformersJinja}); {@link dev.align4j.core.chat.ChatTokenizer}
 * tokenises the text as {@code apply_chat_template(tokenize=True)} does; {@link dev.align4j.core.chat.AssistantSpans}
 * finds the assistant text that SFT trains on.
 */
package dev.align4j.core.chat;
