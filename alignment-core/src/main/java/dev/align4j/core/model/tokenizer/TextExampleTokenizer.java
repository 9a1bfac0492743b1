package dev.align4j.core.model.tokenizer;

import dev.align4j.api.data.TokenizedSequence;
import static com.google.common.base.Preconditions.checkArgument;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.Text;
import dev.align4j.core.chat.ChatRendering;
import java.util.Arrays;
import java.util.Set;

/**
 * The {@link PolicyTokenizer} of a model folder: plain text through the tokenizer, chat messages through the folder's
 * chat template when one is configured.
 *
 * <p>Plain prompt and completion are tokenized as TRL does: the prompt with the tokenizer's special tokens (Llama's
 * BOS), then the completion; when tokenizing prompt + completion together yields the prompt's ids as a prefix, the
 * rest is the completion (so a BPE merge across the boundary is never split), otherwise the two encodings are
 * concatenated. An EOS token is appended to every completion so the model learns to stop.
 */
public final class TextExampleTokenizer implements PolicyTokenizer {
  private final TextTokenizer tokenizer;
  private final ChatRendering chat;
  private final int eos;

  /**
   * @param chat the chat rendering, or null when the model has no chat template (chat data is then refused)
   */
  public TextExampleTokenizer(TextTokenizer tokenizer, ChatRendering chat) {
    checkArgument(!tokenizer.eosIds().isEmpty(), "the tokenizer in %s declares no EOS token; set eos_token in "
        + "tokenizer_config.json so that completions can end", tokenizer.folder());
    this.tokenizer = tokenizer;
    this.chat = chat;
    this.eos = tokenizer.eosIds().iterator().next();
  }

  @Override
  public TokenizedSequence demonstration(Demonstration d) {
    if (d instanceof Demonstration.Conversation c) {
      return chat().conversation(c.messages());
    }
    Demonstration.PromptCompletion pc = (Demonstration.PromptCompletion) d;
    return promptResponse(pc.prompt(), pc.completion());
  }

  @Override
  public TokenizedSequence promptResponse(Text prompt, Text response) {
    if (prompt instanceof Text.Chat p) {
      return chat().promptCompletion(p.messages(), ((Text.Chat) response).messages());
    }
    String ps = ((Text.Plain) prompt).text();
    String rs = ((Text.Plain) response).text();
    int[] promptIds = tokenizer.encode(ps, true);
    int[] joint = tokenizer.encode(ps + rs, true);
    int[] completion = startsWith(joint, promptIds)
        ? Arrays.copyOfRange(joint, promptIds.length, joint.length)
        : tokenizer.encode(rs, false);
    if (completion.length == 0 || completion[completion.length - 1] != eos) {
      completion = Arrays.copyOf(completion, completion.length + 1);
      completion[completion.length - 1] = eos;
    }
    return TokenizedSequence.of(promptIds, completion);
  }

  @Override
  public int[] prompt(Text prompt) {
    if (prompt instanceof Text.Chat c) {
      return chat().prompt(c.messages());
    }
    return tokenizer.encode(((Text.Plain) prompt).text(), true);
  }

  @Override
  public String decode(int[] ids) {
    return tokenizer.decode(ids, true);
  }

  @Override
  public int padId() {
    return tokenizer.padId();
  }

  @Override
  public Set<Integer> eosIds() {
    return tokenizer.eosIds();
  }

  /** The underlying tokenizer. */
  public TextTokenizer textTokenizer() {
    return tokenizer;
  }

  private ChatRendering chat() {
    if (chat == null) {
      throw new IllegalArgumentException("the data has chat messages but the model in " + tokenizer.folder()
          + " has no chat template (chat_template.jinja or chat_template in tokenizer_config.json); use plain "
          + "prompt/completion strings or a model with a template");
    }
    return chat;
  }

  private static boolean startsWith(int[] a, int[] prefix) {
    if (a.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
