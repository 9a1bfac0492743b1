package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Text;
import java.util.List;
import java.util.Optional;

/**
 * What the supervised phase made of one answer: each round's principle, critique and revision, and the final
 * revision (the SFT target), or why there is none.
 *
 * @param id the task's id
 * @param prompt the prompt
 * @param initialAnswer the first answer (empty text when it could not be had)
 * @param rounds the rounds that ran, in order
 * @param revision the last round's revision; empty when the task was dropped
 * @param dropReason why the task was dropped ({@code empty revision}, a refusal, a failed call); empty otherwise
 */
public record RevisionRecord(String id, Text prompt, String initialAnswer, List<Round> rounds,
    Optional<String> revision, Optional<String> dropReason) {
  public RevisionRecord {
    checkNotNull(id, "id");
    checkNotNull(prompt, "prompt");
    checkNotNull(initialAnswer, "initialAnswer");
    rounds = List.copyOf(rounds);
    checkNotNull(revision, "revision");
    checkNotNull(dropReason, "dropReason");
    checkArgument(revision.isPresent() != dropReason.isPresent(), "a record has a revision or a drop reason: %s",
        id);
  }

  /** A record dropped before or during its rounds. */
  public static RevisionRecord dropped(String id, Text prompt, String initialAnswer, List<Round> rounds,
      String reason) {
    return new RevisionRecord(id, prompt, initialAnswer, rounds, Optional.empty(), Optional.of(reason));
  }

  /**
   * One critique–revision round.
   *
   * @param principle the principle id drawn for the round
   * @param critique the critique; empty with direct revision
   * @param revision the revised answer
   */
  public record Round(String principle, Optional<String> critique, String revision) {
    public Round {
      checkNotNull(principle, "principle");
      checkNotNull(critique, "critique");
      checkNotNull(revision, "revision");
    }
  }
}
