package dev.align4j.core.cai;

import dev.align4j.api.data.Message;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hugging Face llm-swarm's constitution format ({@code examples/constitutional-ai/constitution_anthropic.json} in
 * huggingface/llm-swarm, read by its {@code generate_dataset.py}):
 *
 * <pre>{@code
 * {"constitutions": [{"critic": "...", "revision": "..."}, ...],
 *  "system_chat": [[{"role": "user", "content": "..."}, ...], ...]}
 * }</pre>
 *
 * <p>{@code critic} becomes the critique request and {@code revision} the revision request; both are required, as
 * {@code generate_dataset.py} reads both. The format has no comparison questions and no ids: principle {@code i}
 * (from 0, in file order) gets the id {@code p<i>}, so ids are stable as long as the file's order is. {@code
 * system_chat} (optional here) becomes the few-shot dialogues, one per inner list; llm-swarm itself concatenates them
 * into one chat before each request, which is the caller's choice here. The name is the file's base name.
 */
final class LlmSwarmFormat {
  static final String NAME = "llm-swarm's format";
  private static final List<String> ROOT_KEYS = List.of("constitutions", "system_chat");
  private static final List<String> ENTRY_KEYS = List.of("critic", "revision");

  private LlmSwarmFormat() {}

  static Constitution read(Element root, String name) throws ConstitutionFileException {
    root.object("an object {\"constitutions\", \"system_chat\"}").onlyKeys(ROOT_KEYS, NAME);
    Element list = root.required("constitutions", "a list of {\"critic\", \"revision\"}");
    List<Element> items = list.items("a list of {\"critic\", \"revision\"}");
    if (items.isEmpty()) {
      throw list.expected("at least one {\"critic\", \"revision\"}", null);
    }
    List<Principle> principles = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Element e = items.get(i).object("{\"critic\", \"revision\"}");
      e.onlyKeys(ENTRY_KEYS, NAME);
      String critique = e.required("critic", "the critique request, a non-blank string").text();
      String revision = e.required("revision", "the revision request, a non-blank string").text();
      principles.add(ConstitutionFormat.principle(e, "p" + i, Optional.of(critique), Optional.of(revision),
          Optional.empty()));
    }
    Optional<Element> chat = root.optional("system_chat");
    List<List<Message>> fewShot = chat.isPresent() ? FewShot.read(chat.get(), NAME) : List.of();
    return ConstitutionFormat.constitution(root, name, principles, fewShot);
  }
}
