/**
 * Chat models for judges and revisers ({@link dev.align4j.api.judge.ChatModel}):
 * {@link dev.align4j.core.chatmodel.LocalChatModel} serves a local checkpoint through its chat template, with
 * batched generation and OpenAI-style log-probs under the raw next-token distribution;
 * {@link dev.align4j.core.chatmodel.OpenAiChatModel} calls an OpenAI-compatible endpoint through the OpenAI Java SDK
 * (bounded concurrency, the SDK's retries, a request budget, a key that is never written);
 * {@link dev.align4j.core.chatmodel.CachingChatModel} keeps every reply in a file so a rerun or a resumed run
 * repeats no call. {@code dev.align4j.core.serve} puts any of them behind an OpenAI-compatible HTTP endpoint.
 */
package dev.align4j.core.chatmodel;
