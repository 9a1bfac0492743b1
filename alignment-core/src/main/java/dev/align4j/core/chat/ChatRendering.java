package dev.align4j.core.chat;

import dev.align4j.api.data.Message;
import dev.align4j.api.data.TokenizedSequence;
import java.util.List;

/** Renders chat messages with a model's chat template into token ids with their loss targets. */
public interface ChatRendering {
  /** The whole conversation, assistant content targeted. */
  TokenizedSequence conversation(List<Message> messages);

  /** Prompt messages (with the generation prompt) followed by completion messages, the completion targeted. */
  TokenizedSequence promptCompletion(List<Message> prompt, List<Message> completion);

  /** Prompt messages rendered with the generation prompt, as token ids. */
  int[] prompt(List<Message> prompt);
}
