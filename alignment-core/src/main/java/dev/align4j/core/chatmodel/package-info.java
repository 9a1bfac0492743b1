/**
 * Chat models behind {@link dev.align4j.api.judge.ChatModel}: local checkpoints, OpenAI-compatible endpoints, and an
 * on-disk reply cache.
 */
package dev.align4j.core.chatmodel;
