package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import java.util.List;
import java.util.Optional;

/**
 * One critique or revision request of the supervised Constitutional AI phase: the answer under revision, the
 * principle of this round, and the conversation so far (the prompt, the first answer and the earlier rounds' turns,
 * after the constitution's few-shot dialogues), so that a chat model sees the exchange of Bai et al. 2022.
 *
 * @param principle the principle of this round; it must carry a revision request
 * @param prompt the prompt the answer replies to
 * @param answer the current answer (the first one, or the previous round's revision)
 * @param conversation the chat turns so far, ending with the assistant's current answer
 * @param critique this round's critique, present when asking for the revision after a critique
 */
public record RevisionStep(Principle principle, Text prompt, String answer, List<Message> conversation,
    Optional<String> critique) {
  /**
   * Validates and copies the fields; throws {@link NullPointerException} for a null field and
   * {@link IllegalArgumentException} for a principle without a revision request or an empty conversation.
   *
   * @param principle not null, with a revision request
   * @param prompt not null
   * @param answer not null
   * @param conversation not null or empty; copied
   * @param critique not null
   */
  public RevisionStep {
    checkNotNull(principle, "principle");
    checkArgument(principle.canRevise(), "principle %s has no revision request", principle.id());
    checkNotNull(prompt, "prompt");
    checkNotNull(answer, "answer");
    checkNotNull(conversation, "conversation");
    checkArgument(!conversation.isEmpty(), "conversation must not be empty");
    conversation = List.copyOf(conversation);
    checkNotNull(critique, "critique (use Optional.empty())");
  }
}
