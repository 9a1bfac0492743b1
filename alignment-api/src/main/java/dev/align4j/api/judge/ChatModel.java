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

  /** Releases what the model holds (weights, connections); the default holds nothing. */
  @Override
  default void close() {}
}
