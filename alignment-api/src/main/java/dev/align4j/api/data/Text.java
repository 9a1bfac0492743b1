package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * A piece of a data example in one of TRL's two forms: plain text, or a list of chat messages that a chat template
 * renders.
 */
public sealed interface Text permits Text.Plain, Text.Chat {

  /**
   * Plain text, used as it is.
   *
   * @param text the text, not null; may be empty
   */
  record Plain(String text) implements Text {
    /**
     * Rejects a null text with {@link NullPointerException}.
     *
     * @param text not null
     */
    public Plain {
      checkNotNull(text, "text");
    }
  }

  /**
   * Chat messages, rendered with the model's chat template.
   *
   * @param messages at least one message, in order
   */
  record Chat(List<Message> messages) implements Text {
    /**
     * Validates and copies {@code messages}; throws {@link NullPointerException} for a null list or message and
     * {@link IllegalArgumentException} for an empty list.
     *
     * @param messages not null or empty; copied
     */
    public Chat {
      checkNotNull(messages, "messages");
      checkArgument(!messages.isEmpty(), "messages must not be empty");
      messages = List.copyOf(messages);
    }
  }

  /**
   * Plain text.
   *
   * @param text the text, not null
   * @return a {@link Plain} holding it
   */
  static Text plain(String text) {
    return new Plain(text);
  }

  /**
   * Whether two texts are of the same form (both plain or both chat).
   *
   * @param a a text, not null
   * @param b another text, not null
   * @return true when both are {@link Plain} or both are {@link Chat}; their contents do not matter
   */
  static boolean sameForm(Text a, Text b) {
    return a.getClass() == b.getClass();
  }
}
