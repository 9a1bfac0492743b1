package dev.align4j.api.judge;

import java.util.List;

/**
 * A model that replies in chat: a local checkpoint rendered through its chat template, or an OpenAI-compatible
 * endpoint. Judges read option probabilities from it ({@link ChatOptions#firstToken}); revisers generate critiques
 * and revisions with it.
 *
 * <p>Implementations return one reply per request, in order, reporting failures as {@link ChatReply.Failure} rather
 * than throwing, and may answer a batch concurrently (an endpoint) or in one padded forward pass (a local model).
 */
public interface ChatModel extends AutoCloseable {
  /**
   * A stable name for this model (for example the endpoint's model name, or the checkpoint folder's name), part of
   * cache keys and stamped on outputs.
   *
   * @return not null or blank
   */
  String id();

  /**
   * Replies to each request.
   *
   * @param requests the requests, any number
   * @return one reply per request, in the same order
   */
  List<ChatReply> chat(List<ChatRequest> requests);

  /**
   * Replies to each request, handing each reply to {@code sink} as soon as it is known, so that a caller can persist
   * every finished call before the next one ends (a killed run then repeats none). The default answers the whole
   * batch with {@link #chat(List)} and hands the replies over in order; an endpoint overrides it to report each
   * call when it completes.
   *
   * @param requests the requests, any number
   * @param sink receives (index into {@code requests}, reply) exactly once per request, from any thread but never
   *     concurrently
   */
  default void chat(List<ChatRequest> requests, ReplySink sink) {
    List<ChatReply> replies = chat(requests);
    for (int i = 0; i < replies.size(); i++) {
      sink.accept(i, replies.get(i));
    }
  }

  /** Receives the replies of {@link #chat(List, ReplySink)} one by one. */
  @FunctionalInterface
  interface ReplySink {
    /**
     * Takes one reply.
     *
     * @param index the request's position in the batch
     * @param reply its reply
     */
    void accept(int index, ChatReply reply);
  }

  /** Releases what the model holds (weights, connections); the default holds nothing. */
  @Override
  default void close() {}
}
