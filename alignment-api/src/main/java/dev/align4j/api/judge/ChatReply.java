package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.Optional;

/** The result of one chat call: an answer, a refusal, or a failure. A failure is a value, never an exception. */
public sealed interface ChatReply permits ChatReply.Answer, ChatReply.Refusal, ChatReply.Failure {

  /**
   * The model answered.
   *
   * @param text the generated text (without the stop text that ended it)
   * @param logprobs one entry per generated token when log-probs were asked for, else empty
   * @param finishReason {@code stop} (EOS or a stop text) or {@code length} (max_tokens reached), as OpenAI names them
   * @param usage the call's token counts, when the model reports them (a local checkpoint does)
   */
  record Answer(String text, List<TokenLogprob> logprobs, String finishReason, Optional<TokenUsage> usage)
      implements ChatReply {
    /**
     * Validates and copies the fields; throws {@link NullPointerException} for a null field.
     *
     * @param text not null
     * @param logprobs not null; copied
     * @param finishReason not null
     * @param usage not null (empty when unknown)
     */
    public Answer {
      checkNotNull(text, "text");
      checkNotNull(logprobs, "logprobs");
      logprobs = List.copyOf(logprobs);
      checkNotNull(finishReason, "finishReason");
      checkNotNull(usage, "usage (use Optional.empty())");
    }

    /**
     * An answer whose token counts are unknown.
     *
     * @param text not null
     * @param logprobs not null; copied
     * @param finishReason not null
     */
    public Answer(String text, List<TokenLogprob> logprobs, String finishReason) {
      this(text, logprobs, finishReason, Optional.empty());
    }
  }

  /**
   * The model or endpoint declined (OpenAI's {@code refusal}, or {@code finish_reason: content_filter}).
   *
   * @param reason the refusal text or reason
   */
  record Refusal(String reason) implements ChatReply {
    /**
     * Rejects a null reason with {@link NullPointerException}.
     *
     * @param reason not null
     */
    public Refusal {
      checkNotNull(reason, "reason");
    }
  }

  /**
   * The call did not complete: an HTTP error after retries, a timeout, a malformed response.
   *
   * @param error what happened (never an API key)
   */
  record Failure(String error) implements ChatReply {
    /**
     * Rejects a null error with {@link NullPointerException}.
     *
     * @param error not null
     */
    public Failure {
      checkNotNull(error, "error");
    }
  }
}
