package dev.align4j.core.cai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Few-shot dialogues as align4j's {@code few_shot} and llm-swarm's {@code system_chat} both write them: a list of
 * dialogues, each a non-empty list of {@code {"role", "content"}} turns (the chat-messages shape of TRL and OpenAI).
 */
final class FewShot {
  private static final List<String> TURN_KEYS = List.of("role", "content");
  private static final String SHAPE = "a list of dialogues, each a list of {\"role\", \"content\"} turns";

  private FewShot() {}

  /** The dialogues in {@code list}; {@code format} names the format for the unknown-key message. */
  static List<List<Message>> read(Element list, String format) throws ConstitutionFileException {
    List<List<Message>> dialogues = new ArrayList<>();
    for (Element d : list.items(SHAPE)) {
      List<Element> turns = d.items("a dialogue: a list of {\"role\", \"content\"} turns");
      if (turns.isEmpty()) {
        throw d.expected("a dialogue with at least one turn", "remove the empty dialogue");
      }
      List<Message> messages = new ArrayList<>(turns.size());
      for (Element t : turns) {
        t.object("a turn {\"role\", \"content\"}").onlyKeys(TURN_KEYS, format);
        String role = t.required("role", "a non-blank string such as \"user\"").text();
        String content = t.required("content", "the turn's text").string();
        messages.add(new Message(role, content));
      }
      dialogues.add(messages);
    }
    return dialogues;
  }

  /** {@code dialogues} in the same shape. */
  static ArrayNode write(List<List<Message>> dialogues) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (List<Message> d : dialogues) {
      ArrayNode turns = out.addArray();
      for (Message m : d) {
        ObjectNode t = turns.addObject();
        t.put("role", m.role());
        t.put("content", m.content());
      }
    }
    return out;
  }
}
