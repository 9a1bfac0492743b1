package dev.align4j.core.cai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * align4j's own constitution format, exactly:
 *
 * <pre>{@code
 * {"name": "...",                                   optional; default: the file's base name
 *  "principles": [{"id": "...",                      required, unique
 *                  "critique": "...", "revision": "...", "comparison": "..."}],   each optional, at least one
 *  "few_shot": [[{"role": "...", "content": "..."}, ...], ...]}                   optional
 * }</pre>
 *
 * Any other key is an error, as is a text that is null or blank (leave the key out instead).
 */
final class Align4jFormat {
  static final String NAME = "align4j's format";
  private static final List<String> ROOT_KEYS = List.of("name", "principles", "few_shot");
  private static final List<String> PRINCIPLE_KEYS = List.of("id", "critique", "revision", "comparison");

  private Align4jFormat() {}

  static Constitution read(Element root, String fallbackName) throws ConstitutionFileException {
    root.object("an object {\"name\", \"principles\", \"few_shot\"}").onlyKeys(ROOT_KEYS, NAME);
    Optional<Element> nameElement = root.optional("name");
    String name = nameElement.isPresent() ? nameElement.get().text() : fallbackName;
    List<Element> items = root.required("principles", "a list of principles").items(
        "a list of principles {\"id\", \"critique\", \"revision\", \"comparison\"}");
    if (items.isEmpty()) {
      throw root.required("principles", "").expected("at least one principle", null);
    }
    List<Principle> principles = new ArrayList<>();
    Map<String, String> firstPathOfId = new HashMap<>();
    for (Element p : items) {
      p.object("a principle {\"id\", \"critique\", \"revision\", \"comparison\"}").onlyKeys(PRINCIPLE_KEYS, NAME);
      Element idElement = p.required("id", "a non-blank string unique in the file");
      String id = idElement.text();
      String first = firstPathOfId.putIfAbsent(id, idElement.path());
      if (first != null) {
        throw idElement.error("expected an id unique in the file, found \"" + id + "\" again (first at " + first + ")",
            "give each principle its own id");
      }
      Optional<String> critique = optionalText(p, "critique");
      Optional<String> revision = optionalText(p, "revision");
      Optional<String> comparison = optionalText(p, "comparison");
      principles.add(ConstitutionFormat.principle(p, id, critique, revision, comparison));
    }
    Optional<Element> fewShot = root.optional("few_shot");
    List<List<Message>> dialogues = fewShot.isPresent() ? FewShot.read(fewShot.get(), NAME) : List.of();
    return ConstitutionFormat.constitution(root, name, principles, dialogues);
  }

  private static Optional<String> optionalText(Element principle, String key) throws ConstitutionFileException {
    Optional<Element> e = principle.optional(key);
    return e.isPresent() ? Optional.of(e.get().text()) : Optional.empty();
  }

  /** The canonical tree of {@code c}: keys in the order above, absent texts left out, {@code few_shot} always. */
  static ObjectNode write(Constitution c) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("name", c.name());
    ArrayNode principles = root.putArray("principles");
    for (Principle p : c.principles()) {
      ObjectNode o = principles.addObject();
      o.put("id", p.id());
      p.critique().ifPresent(t -> o.put("critique", t));
      p.revision().ifPresent(t -> o.put("revision", t));
      p.comparison().ifPresent(t -> o.put("comparison", t));
    }
    root.set("few_shot", FewShot.write(c.fewShot()));
    return root;
  }
}
