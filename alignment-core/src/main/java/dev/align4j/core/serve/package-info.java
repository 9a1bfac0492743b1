/**
 * An OpenAI-compatible HTTP endpoint over any {@link dev.align4j.api.judge.ChatModel}:
 * {@link dev.align4j.core.serve.ChatCompletionsServer} answers {@code GET /v1/models} and
 * {@code POST /v1/chat/completions} with OpenAI's bodies, so a client written for OpenAI (its SDKs, an evaluation
 * harness, a judge running elsewhere) talks to a local checkpoint.
 *
 * <p>The completion request fields read are {@code model}, {@code messages} (a string content, or an array of
 * {@code {"type": "text"}} parts joined with newlines), {@code temperature} (default 1), {@code top_p},
 * {@code max_completion_tokens} / {@code max_tokens}, {@code stop}, {@code seed}, {@code logprobs},
 * {@code top_logprobs} and {@code n} (1 only). Fields that would change the answer if ignored ({@code stream: true},
 * {@code tools}, {@code functions}, a non-text {@code response_format}, penalties, {@code logit_bias}) are refused
 * with 400; the rest are ignored. Log-probs of −∞ are written as −9999, as OpenAI writes them.
 */
package dev.align4j.core.serve;
