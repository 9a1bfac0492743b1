package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Message;
import java.util.List;

/**
 * One chat call: the conversation so far and how to sample the reply.
 *
 * @param messages the conversation, at least one message
 * @param options sampling settings
 */
public record ChatRequest(List<Message> messages, ChatOptions options) {
  /**
   * Validates and copies the fields; throws {@link NullPointerException} for a null field and
   * {@link IllegalArgumentException} for an empty conversation.
   *
   * @param messages not null or empty; copied
   * @param options not null
   */
  public ChatRequest {
    checkNotNull(messages, "messages");
    checkArgument(!messages.isEmpty(), "a chat request needs at least one message");
    messages = List.copyOf(messages);
    checkNotNull(options, "options");
  }
}
