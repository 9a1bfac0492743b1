package dev.align4j.core.chat;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.align4j.core.runtime.DjlSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tokenises rendered chat text as {@code apply_chat_template(tokenize=True)} does: the model's {@code tokenizer.json}
 * through DJL's binding of the Hugging Face tokenizers library, with {@code add_special_tokens=False} (the template
 * already wrote BOS where the model wants it), no truncation and no padding. Only as much as the chat-template
 * command and masks need; the general model loader lives in {@code dev.align4j.core.model}.
 */
public final class ChatTokenizer implements AutoCloseable {
  /**
   * One encoded text.
   *
   * @param ids token ids
   * @param starts start offset of each token in the text, in Java chars (UTF-16 units)
   * @param ends end offset (exclusive) of each token, in Java chars
   */
  public record Encoded(long[] ids, int[] starts, int[] ends) {
    public Encoded {
      checkArgument(ids.length == starts.length && ids.length == ends.length, "ids, starts and ends must have one"
          + " entry per token, got %s, %s and %s", ids.length, starts.length, ends.length);
    }
  }

  private final HuggingFaceTokenizer tokenizer;

  private ChatTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Opens {@code modelDir/tokenizer.json}, offline. */
  public static ChatTokenizer open(Path modelDir) throws IOException {
    Path file = modelDir.resolve("tokenizer.json");
    checkArgument(Files.isRegularFile(file), "%s has no tokenizer.json", modelDir);
    DjlSetup.configure();
    return new ChatTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false",
        "truncation", "false", "padding", "false")));
  }

  /** Encodes {@code text} without adding special tokens. */
  public Encoded encode(String text) {
    Encoding e = tokenizer.encode(text, false, false);
    CharSpan[] spans = e.getCharTokenSpans();
    // the library reports offsets in code points (Python str indices); Java strings index UTF-16 units
    int[] charIndex = new int[text.codePointCount(0, text.length()) + 1];
    for (int cp = 0, i = 0; cp < charIndex.length; cp++) {
      charIndex[cp] = i;
      if (i < text.length()) {
        i += Character.charCount(text.codePointAt(i));
      }
    }
    int[] starts = new int[spans.length];
    int[] ends = new int[spans.length];
    for (int i = 0; i < spans.length; i++) {
      starts[i] = spans[i] == null ? 0 : charIndex[spans[i].getStart()];
      ends[i] = spans[i] == null ? 0 : charIndex[spans[i].getEnd()];
    }
    return new Encoded(e.getIds(), starts, ends);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
