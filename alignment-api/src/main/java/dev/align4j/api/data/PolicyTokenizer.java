package dev.align4j.api.data;

import java.util.Set;

/**
 * How a policy turns data records into token sequences with their loss targets, and generated ids back into text:
 * plain text through its tokenizer, chat messages through its chat template, only assistant content learned.
 */
public interface PolicyTokenizer {

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

  /** The id that pads batches. */
  int padId();

  /** The ids that end a sequence. */
  Set<Integer> eosIds();
}
