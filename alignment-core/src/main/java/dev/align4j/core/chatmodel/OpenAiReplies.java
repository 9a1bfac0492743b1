package dev.align4j.core.chatmodel;

import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.TokenLogprob;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns what the SDK returns, a {@link ChatCompletion} or an {@link OpenAIException}, into a {@link ChatReply}.
 *
 * <ul>
 *   <li>A refusal text, or {@code finish_reason: content_filter}, is a {@link ChatReply.Refusal}.
 *   <li>Otherwise the first choice is an {@link ChatReply.Answer} with its {@code logprobs.content}; an answer
 *       without log-probs stays an answer with none, even when they were asked for (the judge reads that as
 *       invalid, never as a side).
 *   <li>A response without choices or with malformed fields, an HTTP error left after the SDK's retries, and a
 *       connection failure or timeout are {@link ChatReply.Failure}s saying what happened.
 * </ul>
 */
final class OpenAiReplies {
  /** Error bodies can be pages of HTML from a proxy; a failure text keeps their start. */
  private static final int MAX_DETAIL = 300;
  /**
   * A log-prob a hair above 0 is rounding by the server (a token of probability 1 computed in float), not a
   * malformed response.
   */
  private static final double ROUNDING = 1e-4;

  private OpenAiReplies() {}

  /**
   * The reply a completion carries.
   *
   * @throws OpenAIInvalidDataException when a required field (choices, message) is missing or of the wrong type
   * @throws IllegalArgumentException when a log-prob is above 0 or not a number
   */
  static ChatReply of(ChatCompletion completion) {
    List<ChatCompletion.Choice> choices = completion.choices();
    if (choices.isEmpty()) {
      return new ChatReply.Failure("malformed response: `choices` is empty");
    }
    ChatCompletion.Choice choice = choices.get(0);
    ChatCompletionMessage message = choice.message();
    // Servers that know no finish reason send null; the answer keeps the text rather than failing on a label.
    String finish = choice._finishReason().asKnown().flatMap(f -> f._value().asString()).orElse("unknown");
    Optional<String> refusal = message.refusal().filter(r -> !r.isBlank());
    if (refusal.isPresent()) {
      return new ChatReply.Refusal(refusal.get());
    }
    if (finish.equals("content_filter")) {
      return new ChatReply.Refusal("finish_reason content_filter: the endpoint's content filter stopped the reply");
    }
    List<TokenLogprob> logprobs = new ArrayList<>();
    for (ChatCompletionTokenLogprob t : choice.logprobs().flatMap(ChatCompletion.Choice.Logprobs::content)
        .orElse(List.of())) {
      List<TokenLogprob.Alternative> top = new ArrayList<>();
      for (ChatCompletionTokenLogprob.TopLogprob a : t._topLogprobs().asKnown().orElse(List.of())) {
        top.add(new TokenLogprob.Alternative(a.token(), logprob(a.logprob())));
      }
      logprobs.add(new TokenLogprob(t.token(), logprob(t.logprob()), top));
    }
    return new ChatReply.Answer(message.content().orElse(""), logprobs, finish);
  }

  private static double logprob(double v) {
    return v > 0 && v <= ROUNDING ? 0 : v;
  }

  /**
   * What went wrong in a call, for a {@link ChatReply.Failure}: the HTTP status and the endpoint's message, the
   * timeout, or the malformed part of the response, with the attempts made.
   *
   * @param attempts HTTP attempts of this call, retries included
   * @param timeout the limit of one attempt
   * @param key scrubbed from the text; for a 401 the endpoint's message is left out altogether, since OpenAI's
   *     names part of the key
   */
  static String describe(Exception e, int attempts, Duration timeout, ApiKey key) {
    String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
    String text;
    if (e instanceof UnauthorizedException) {
      text = "HTTP 401 after " + tries + ": the endpoint rejected the API key from " + key.source()
          + (key.configured() ? "" : "; set EndpointConfig.apiKeyEnv to the variable holding its key");
    } else if (e instanceof OpenAIServiceException s) {
      text = "HTTP " + s.statusCode() + " after " + tries + ": " + detail(s.getMessage());
    } else if (e instanceof OpenAIIoException io) {
      text = (io.getCause() instanceof InterruptedIOException ? "timed out (the timeout of one attempt is "
          + timeout.toMillis() + " ms)" : "no response (" + detail(causes(io)) + ")") + " after " + tries;
    } else if (e instanceof OpenAIInvalidDataException bad) {
      text = "malformed response: " + detail(causes(bad));
    } else if (e instanceof IllegalArgumentException bad) {
      text = "malformed response: " + detail(bad.getMessage());
    } else {
      text = "call failed after " + tries + ": " + detail(causes(e));
    }
    return key.redact(text);
  }

  /** The messages of an exception and its causes, which is where the SDK puts the reason ("Request failed"). */
  private static String causes(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (s.indexOf(m) < 0) {
        s.append(s.length() == 0 ? "" : ": ").append(m);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return s.toString();
  }

  private static String detail(String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
    return one.length() <= MAX_DETAIL ? one : one.substring(0, MAX_DETAIL) + "…";
  }
}
