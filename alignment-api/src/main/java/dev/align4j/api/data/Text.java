package dev.align4j.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * A piece of a data example in one of TRL's two forms: plain text, or a list of chat messages that a chat template
 * renders.
 */
public sealed interface Text permits Text.Plain, Text.Chat {

  /** Plain text, used as it is. */
  record Plain(String text) implements Text {
    public Plain {
      checkNotNull(text, "text");
    }
  }

  /** Chat messages, rendered with the model's chat template. */
  record Chat(List<Message> messages) implements Text {
    public Chat {
      checkNotNull(messages, "messages");
      checkArgument(!messages.isEmpty(), "messages must not be empty");
      messages = List.copyOf(messages);
    }
  }

  /** Plain text. */
  static Text plain(String text) {
    return new Plain(text);
  }

  /** Whether two texts are of the same form (both plain or both chat). */
  static boolean sameForm(Text a, Text b) {
    return a.getClass() == b.getClass();
  }
}
