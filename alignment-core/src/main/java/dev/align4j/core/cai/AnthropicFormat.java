package dev.align4j.core.cai;

import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two instruction files Anthropic published with "Constitutional AI: Harmlessness from AI Feedback" (Bai et al.
 * 2022; repository anthropics/ConstitutionalHarmlessnessPaper, folder {@code prompts/}). Both write their texts as
 * fragments of the paper's raw-text prompts, with the dialogue markers inline; the markers are stripped here, with the
 * whitespace around them, because align4j sends each text as a chat turn and the chat template does that job.
 *
 * <p>{@code CritiqueRevisionInstructions.json}, the supervised phase's principles:
 *
 * <pre>{@code
 * {"harmful0": {"prompt": ["\n\nCritiqueRequest: Identify ...\n\nCritique:"],
 *               "edit_request": "\n\nRevisionRequest: Please rewrite ...\n\nRevision:"}, ...}
 * }</pre>
 *
 * The key is the principle's id; {@code prompt} is the critique request and {@code edit_request} the revision request,
 * both required. {@code prompt} is a list; every list in the published file holds exactly one request, and what more
 * would mean (alternatives? turns?) the paper does not say, so a list of any other length is an error rather than a
 * guess. A leading {@code CritiqueRequest:} and trailing {@code Critique:} are stripped from the critique, a leading
 * {@code RevisionRequest:} and trailing {@code Revision:} from the revision; a text without them is kept as written.
 *
 * <p>{@code RLMadisonInstructions.json}, the preference phase's "principles for multiple choice evaluation":
 *
 * <pre>{@code
 * ["\nPlease choose the response that is the most helpful, honest, and harmless. Options:", ...]
 * }</pre>
 *
 * Each string is a comparison question; the trailing {@code Options:} (the start of the paper's answer options, which
 * the labeller writes itself) is stripped. Principle {@code i} (from 0, in file order) gets the id {@code p<i>}. Both
 * constitutions are named after the file's base name.
 */
final class AnthropicFormat {
  static final String CRITIQUE_REVISION = "Anthropic's CritiqueRevisionInstructions format";
  static final String COMPARISON = "Anthropic's RLMadisonInstructions format";
  private static final List<String> ENTRY_KEYS = List.of("prompt", "edit_request");

  private AnthropicFormat() {}

  static Constitution readCritiqueRevision(Element root, String name) throws ConstitutionFileException {
    root.object("an object {id: {\"prompt\", \"edit_request\"}, ...}");
    Map<String, Element> entries = root.fields();
    if (entries.isEmpty()) {
      throw root.expected("at least one principle {id: {\"prompt\", \"edit_request\"}}", null);
    }
    List<Principle> principles = new ArrayList<>();
    for (Map.Entry<String, Element> entry : entries.entrySet()) {
      Element e = entry.getValue();
      if (entry.getKey().isBlank()) {
        throw e.error("expected a non-blank key (the principle's id), found \"" + entry.getKey() + "\"", null);
      }
      e.object("a principle {\"prompt\", \"edit_request\"}").onlyKeys(ENTRY_KEYS, CRITIQUE_REVISION);
      Element prompt = e.required("prompt", "a list holding the critique request");
      List<Element> requests = prompt.items("a list holding the critique request");
      if (requests.size() != 1) {
        throw prompt.expected("a list of exactly one critique request, as in Anthropic's published file",
            "give each critique request its own principle");
      }
      String critique = stripped(requests.get(0), "CritiqueRequest:", "Critique:");
      String revision = stripped(e.required("edit_request", "the revision request, a string"), "RevisionRequest:",
          "Revision:");
      principles.add(ConstitutionFormat.principle(e, entry.getKey(), Optional.of(critique), Optional.of(revision),
          Optional.empty()));
    }
    return ConstitutionFormat.constitution(root, name, principles, List.of());
  }

  static Constitution readComparison(Element root, String name) throws ConstitutionFileException {
    List<Element> items = root.items("a list of comparison questions, each a string");
    if (items.isEmpty()) {
      throw root.expected("at least one comparison question", null);
    }
    List<Principle> principles = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String question = stripped(items.get(i), "", "Options:");
      principles.add(ConstitutionFormat.principle(items.get(i), "p" + i, Optional.empty(), Optional.empty(),
          Optional.of(question)));
    }
    return ConstitutionFormat.constitution(root, name, principles, List.of());
  }

  /**
   * The text of {@code e} without a leading {@code lead} and a trailing {@code tail} marker and the whitespace around
   * them; fails when nothing is left.
   */
  static String stripped(Element e, String lead, String tail) throws ConstitutionFileException {
    String t = e.string().strip();
    if (!lead.isEmpty() && t.startsWith(lead)) {
      t = t.substring(lead.length()).strip();
    }
    if (t.endsWith(tail)) {
      t = t.substring(0, t.length() - tail.length()).strip();
    }
    if (t.isEmpty()) {
      throw e.expected("a request besides the " + (lead.isEmpty() ? "" : lead + " and ") + tail + " markers", null);
    }
    return t;
  }
}
