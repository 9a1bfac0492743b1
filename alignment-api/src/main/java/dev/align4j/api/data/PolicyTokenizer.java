package dev.align4j.api.data;

import java.util.Set;

/**
 * How a policy turns data records into token sequences with their loss targets, and generated ids back into text:
 * plain text through its tokenizer, chat messages through its chat template, only assistant content learned.
 */
public interface PolicyTokenizer {

  /**
   * An SFT example; the completion (or each assistant turn) carries the loss, EOS included.
   *
   * @param d a prompt-completion pair or a whole conversation
   * @return the ids, with {@code target} set on the completion or assistant tokens and their EOS
   */
  TokenizedSequence demonstration(Demonstration d);

  /**
   * A prompt and one response (a preference side), the response learned; its EOS included.
   *
   * @param prompt plain text or messages
   * @param response of the same form
   * @return the prompt ids followed by the response ids, with {@code target} set on the response and its EOS only
   */
  TokenizedSequence promptResponse(Text prompt, Text response);

  /**
   * Prompt tokens for generation (chat prompts rendered with the generation prompt).
   *
   * @param prompt plain text or messages
   * @return the ids a completion is sampled after, without EOS
   */
  int[] prompt(Text prompt);

  /**
   * The text of generated token ids (special tokens removed).
   *
   * @param ids generated ids, e.g. {@link Completion#tokenIds()}, EOS allowed
   * @return the decoded text, what reward functions and reward models see as the completion
   */
  String decode(int[] ids);

  /**
   * The id that pads batches.
   *
   * @return the id written into padding positions; the model never sees it, since padded positions are masked
   */
  int padId();

  /**
   * The ids that end a sequence.
   *
   * @return the ids at which generation stops under {@code EosHandling.STOP}; a completion ending with one of them
   *     has {@link Completion#endedWithEos()} set
   */
  Set<Integer> eosIds();
}
