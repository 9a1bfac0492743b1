package dev.align4j.core.data;

import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import java.util.List;

/**
 * Turns data records into token sequences with their loss targets. Plain text is tokenized directly; chat messages
 * go through the model's chat template (a {@link ChatRendering}), and only assistant content is learned.
 */
public interface ExampleTokenizer {

  /** An SFT example; the completion (or each assistant turn) carries the loss, EOS included. */
  TokenizedSequence demonstration(Demonstration d);

  /**
   * A prompt and one response (a preference side), the response learned; its EOS included.
   *
   * @param prompt plain text or messages
   * @param response of the same form
   */
  TokenizedSequence promptResponse(Text prompt, Text response);

  /** Prompt tokens for generation (chat prompts rendered with the generation prompt). */
  int[] prompt(Text prompt);

  /** The text of generated token ids (special tokens removed). */
  String decode(int[] ids);

  /** Renders chat messages with a template: implemented by the chat-template package. */
  interface ChatRendering {
    /** The whole conversation, assistant content targeted. */
    TokenizedSequence conversation(List<Message> messages);

    /** Prompt messages (with the generation prompt) followed by completion messages, the completion targeted. */
    TokenizedSequence promptCompletion(List<Message> prompt, List<Message> completion);

    /** Prompt messages rendered with the generation prompt, as token ids. */
    int[] prompt(List<Message> prompt);
  }
}
