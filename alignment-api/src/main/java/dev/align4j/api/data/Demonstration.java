package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/** An SFT example: what the model should say (TRL's prompt-completion or conversational "messages" dataset). */
public sealed interface Demonstration permits Demonstration.PromptCompletion, Demonstration.Conversation {

  /**
   * A prompt and the completion to learn; the loss falls on the completion only.
   *
   * @param prompt plain text or chat messages
   * @param completion of the same form as the prompt
   */
  record PromptCompletion(Text prompt, Text completion) implements Demonstration {
    /**
     * Validates the fields; throws {@link NullPointerException} for a null one and {@link IllegalArgumentException}
     * when prompt and completion differ in form, naming both forms.
     *
     * @param prompt not null
     * @param completion not null, of the same form as {@code prompt}
     */
    public PromptCompletion {
      checkNotNull(prompt, "prompt");
      checkNotNull(completion, "completion");
      checkArgument(Text.sameForm(prompt, completion),
          "prompt and completion must both be plain text or both be messages, got %s and %s",
          prompt.getClass().getSimpleName(), completion.getClass().getSimpleName());
    }
  }

  /**
   * A whole conversation; the loss falls on the assistant turns only.
   *
   * @param messages at least one assistant message
   */
  record Conversation(List<Message> messages) implements Demonstration {
    /**
     * Validates and copies {@code messages}; throws {@link NullPointerException} for a null list or message and
     * {@link IllegalArgumentException} when no message is the assistant's, listing the roles found.
     *
     * @param messages not null, at least one with role {@code assistant}; copied
     */
    public Conversation {
      checkNotNull(messages, "messages");
      messages = List.copyOf(messages);
      checkArgument(messages.stream().anyMatch(Message::isAssistant),
          "a conversation needs at least one assistant message to learn from, got roles %s",
          messages.stream().map(Message::role).toList());
    }
  }
}
