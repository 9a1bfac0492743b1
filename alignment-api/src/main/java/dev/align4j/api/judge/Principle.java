package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Optional;

/**
 * One written principle of a constitution, with the texts each phase asks: a critique request, a revision request and
 * a comparison question (Bai et al. 2022, "Constitutional AI"). A principle need not carry all three: one used only
 * for labels has just a comparison, one used only for revisions has no comparison.
 *
 * @param id a short name, unique within its constitution (stamped on every output row that used it)
 * @param critique the critique request ("Identify ways in which the answer ..."); empty when absent
 * @param revision the revision request ("Rewrite the answer to ..."); empty when absent
 * @param comparison the multiple-choice question ("Which response ...?"); empty when absent
 */
public record Principle(String id, Optional<String> critique, Optional<String> revision,
    Optional<String> comparison) {
  /**
   * Validates the fields; throws {@link NullPointerException} for a null field and {@link IllegalArgumentException}
   * for a blank id, a present but blank text, or a principle with none of the three texts.
   *
   * @param id not null or blank
   * @param critique not null; blank text is refused, use {@link Optional#empty()}
   * @param revision not null; blank text is refused, use {@link Optional#empty()}
   * @param comparison not null; blank text is refused, use {@link Optional#empty()}
   */
  public Principle {
    checkNotNull(id, "id");
    checkArgument(!id.isBlank(), "principle id must not be blank");
    checkNotNull(critique, "critique of principle %s (use Optional.empty())", id);
    checkNotNull(revision, "revision of principle %s (use Optional.empty())", id);
    checkNotNull(comparison, "comparison of principle %s (use Optional.empty())", id);
    checkArgument(critique.map(t -> !t.isBlank()).orElse(true), "critique of principle %s is blank", id);
    checkArgument(revision.map(t -> !t.isBlank()).orElse(true), "revision of principle %s is blank", id);
    checkArgument(comparison.map(t -> !t.isBlank()).orElse(true), "comparison of principle %s is blank", id);
    checkArgument(critique.isPresent() || revision.isPresent() || comparison.isPresent(),
        "principle %s has none of critique, revision and comparison", id);
  }

  /**
   * A principle with all three texts.
   *
   * @param id the id
   * @param critique the critique request
   * @param revision the revision request
   * @param comparison the comparison question
   * @return the principle
   */
  public static Principle of(String id, String critique, String revision, String comparison) {
    return new Principle(id, Optional.of(critique), Optional.of(revision), Optional.of(comparison));
  }

  /**
   * Whether the supervised phase can use this principle.
   *
   * @return true when a revision request is present (a critique is optional: direct revision needs none)
   */
  public boolean canRevise() {
    return revision.isPresent();
  }

  /**
   * Whether the preference phase can use this principle.
   *
   * @return true when a comparison question is present
   */
  public boolean canCompare() {
    return comparison.isPresent();
  }
}
