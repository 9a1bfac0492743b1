package dev.align4j.core.chatmodel;

import static com.google.common.base.Verify.verify;

import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.TokenLogprob;
import dev.align4j.api.judge.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One request's reply as it is generated: records each token's raw log-probs when they were asked for, ends the row
 * once the text holds a stop text, and finally cuts the text before the first stop text.
 *
 * <p>Log-prob entries cover every generated token, EOS and the token that completed a stop text included (as vLLM
 * reports them), so their count is {@code completion_tokens}; the reply's text is what remains after the cut.
 */
final class ReplyBuilder {
  private final ChatOptions options;
  private final int promptTokens;
  private final int maxTokens;
  private final TokenTexts texts;
  private final List<Integer> tokens = new ArrayList<>();
  private final List<TokenLogprob> logprobs = new ArrayList<>();
  private String text = "";
  private int stopAt = -1;

  /**
   * @param maxTokens the tokens this row may generate: the request's max_tokens, or less where the context is short
   */
  ReplyBuilder(ChatOptions options, int promptTokens, int maxTokens, TokenTexts texts) {
    this.options = options;
    this.promptTokens = promptTokens;
    this.maxTokens = maxTokens;
    this.texts = texts;
  }

  /** Takes the next token and the raw logits it was picked from; true when a stop text now ends the reply. */
  boolean add(float[] logits, int offset, int vocab, int token) {
    tokens.add(token);
    if (options.topLogprobs() > 0) {
      logprobs.add(RawLogprobs.of(logits, offset, vocab, token, options.topLogprobs(), texts::token));
    }
    if (!options.stop().isEmpty()) {
      // decoded as a whole every step: a token's text can depend on its neighbours (byte pieces, spacing rules)
      text = texts.text(tokens);
      for (String s : options.stop()) {
        int i = text.indexOf(s);
        if (i >= 0 && (stopAt < 0 || i < stopAt)) {
          stopAt = i;
        }
      }
    }
    return stopAt >= 0;
  }

  /**
   * The answer once generation has ended this row.
   *
   * @param endedWithEos whether the last token is EOS
   */
  ChatReply.Answer finish(boolean endedWithEos) {
    String full = options.stop().isEmpty() ? texts.text(tokens) : text;
    String finishReason;
    if (stopAt >= 0 || endedWithEos) {
      finishReason = "stop";
    } else {
      verify(tokens.size() == maxTokens, "a row ended after %s of %s tokens without EOS or a stop text",
          tokens.size(), maxTokens);
      finishReason = "length";
    }
    return new ChatReply.Answer(stopAt >= 0 ? full.substring(0, stopAt) : full, logprobs, finishReason,
        Optional.of(new TokenUsage(promptTokens, tokens.size())));
  }

  /** Tokens generated so far. */
  int length() {
    return tokens.size();
  }
}
