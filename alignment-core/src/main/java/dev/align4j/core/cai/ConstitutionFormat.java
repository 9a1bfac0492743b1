package dev.align4j.core.cai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The constitution file formats {@link ConstitutionFiles} reads. Each is JSON, or YAML when the file is named
 * {@code *.yaml} or {@code *.yml}; {@link #detect} tells them apart by their keys.
 */
public enum ConstitutionFormat {
  /**
   * align4j's own format, exactly {@code {"name", "principles": [{"id", "critique", "revision", "comparison"}],
   * "few_shot": [[{"role", "content"}, ...]]}}: {@code name} and {@code few_shot} optional, each principle's three
   * texts optional but at least one present, and no other key. The format {@link ConstitutionFiles#write} writes.
   */
  ALIGN4J(Align4jFormat.NAME) {
    @Override Constitution read(Element root, String fileBaseName) throws ConstitutionFileException {
      return Align4jFormat.read(root, fileBaseName);
    }
  },
  /**
   * Hugging Face llm-swarm's {@code {"constitutions": [{"critic", "revision"}], "system_chat": [[{"role",
   * "content"}, ...]]}}; principle {@code i} gets the id {@code p<i>}, and none has a comparison question.
   */
  LLM_SWARM(LlmSwarmFormat.NAME) {
    @Override Constitution read(Element root, String fileBaseName) throws ConstitutionFileException {
      return LlmSwarmFormat.read(root, fileBaseName);
    }
  },
  /**
   * Anthropic's {@code CritiqueRevisionInstructions.json}, {@code {id: {"prompt": ["CritiqueRequest: ..."],
   * "edit_request": "RevisionRequest: ..."}}}, with the inline markers stripped; no comparison questions.
   */
  ANTHROPIC_CRITIQUE_REVISION(AnthropicFormat.CRITIQUE_REVISION) {
    @Override Constitution read(Element root, String fileBaseName) throws ConstitutionFileException {
      return AnthropicFormat.readCritiqueRevision(root, fileBaseName);
    }
  },
  /**
   * Anthropic's {@code RLMadisonInstructions.json}, the paper's principles for multiple-choice evaluation: a list of
   * comparison questions, each ending in {@code Options:} (stripped); principle {@code i} gets the id {@code p<i>}.
   */
  ANTHROPIC_COMPARISON(AnthropicFormat.COMPARISON) {
    @Override Constitution read(Element root, String fileBaseName) throws ConstitutionFileException {
      return AnthropicFormat.readComparison(root, fileBaseName);
    }
  };

  private final String description;

  ConstitutionFormat(String description) {
    this.description = description;
  }

  /**
   * The format's name in messages.
   *
   * @return for example {@code llm-swarm's format}
   */
  public String description() {
    return description;
  }

  /** Reads a constitution in this format from the document's root, naming it after the file unless it names itself. */
  abstract Constitution read(Element root, String fileBaseName) throws ConstitutionFileException;

  /**
   * The format a document is in, by the keys that only that format has. An object with {@code principles} is
   * align4j's, one with {@code constitutions} llm-swarm's; an object of which some value holds {@code prompt} or
   * {@code edit_request} is Anthropic's critique–revision file; a list is Anthropic's comparison file. Failing those,
   * an object with only align4j's other keys ({@code name}, {@code few_shot}) or llm-swarm's ({@code system_chat}) is
   * taken to be in that format, so that a file missing its principles says so instead of matching nothing.
   */
  static Optional<ConstitutionFormat> detect(JsonNode root) {
    if (root.isArray()) {
      return Optional.of(ANTHROPIC_COMPARISON);
    }
    if (!root.isObject()) {
      return Optional.empty();
    }
    if (root.has("principles")) {
      return Optional.of(ALIGN4J);
    }
    if (root.has("constitutions")) {
      return Optional.of(LLM_SWARM);
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (e.getValue().isObject() && (e.getValue().has("prompt") || e.getValue().has("edit_request"))) {
        return Optional.of(ANTHROPIC_CRITIQUE_REVISION);
      }
    }
    if (root.has("name") || root.has("few_shot")) {
      return Optional.of(ALIGN4J);
    }
    if (root.has("system_chat")) {
      return Optional.of(LLM_SWARM);
    }
    return Optional.empty();
  }

  /**
   * A principle whose texts the reader has checked; the record's own checks stay as a backstop, reported at
   * {@code at}.
   */
  static Principle principle(Element at, String id, Optional<String> critique, Optional<String> revision,
      Optional<String> comparison) throws ConstitutionFileException {
    if (critique.isEmpty() && revision.isEmpty() && comparison.isEmpty()) {
      throw at.expected("at least one of critique, revision and comparison", null);
    }
    try {
      return new Principle(id, critique, revision, comparison);
    } catch (IllegalArgumentException e) {
      throw at.error(e.getMessage(), null, e);
    }
  }

  /** A constitution from checked parts; the record's own checks stay as a backstop, reported at {@code root}. */
  static Constitution constitution(Element root, String name, List<Principle> principles,
      List<List<Message>> fewShot) throws ConstitutionFileException {
    try {
      return new Constitution(name, principles, fewShot);
    } catch (IllegalArgumentException e) {
      throw root.error(e.getMessage(), null, e);
    }
  }
}
