package dev.align4j.api.judge;

import java.util.List;

/**
 * Critiques and revises answers against principles: the supervised phase of Constitutional AI. A chat model serves it
 * by answering the principle's critique and revision requests as chat turns; the built-in world's reviser follows
 * rules with a set fallibility.
 */
public interface Reviser {
  /**
   * A stable name for this reviser, stamped on every revision.
   *
   * @return not null or blank
   */
  String id();

  /**
   * The critique of each step's answer under its principle.
   *
   * @param steps the steps, any number; their principles carry critique requests
   * @return one reply per step, in order; an {@link ChatReply.Answer}'s text is the critique
   */
  List<ChatReply> critique(List<RevisionStep> steps);

  /**
   * The revision of each step's answer under its principle, after the step's critique when it has one.
   *
   * @param steps the steps, any number
   * @return one reply per step, in order; an {@link ChatReply.Answer}'s text is the revised answer
   */
  List<ChatReply> revise(List<RevisionStep> steps);
}
