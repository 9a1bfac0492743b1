package dev.align4j.api.judge;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.align4j.api.data.Message;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A validated set of written principles with optional few-shot dialogues, the input of both Constitutional AI phases.
 * Loaders for align4j's JSON/YAML format, Hugging Face llm-swarm's and Anthropic's published files live in
 * {@code alignment-core} ({@code dev.align4j.core.cai.ConstitutionFiles}).
 *
 * @param name a name for reports
 * @param principles at least one principle, ids unique
 * @param fewShot example dialogues shown before each critique and revision request (chat turns; may be empty)
 */
public record Constitution(String name, List<Principle> principles, List<List<Message>> fewShot) {
  /**
   * Validates and copies the fields; throws {@link NullPointerException} for a null field and
   * {@link IllegalArgumentException} for a blank name, no principles, a repeated id or an empty dialogue.
   *
   * @param name not null or blank
   * @param principles not null or empty; ids unique; copied
   * @param fewShot not null; each dialogue non-empty; copied
   */
  public Constitution {
    checkNotNull(name, "name");
    checkArgument(!name.isBlank(), "constitution name must not be blank");
    checkNotNull(principles, "principles");
    checkArgument(!principles.isEmpty(), "constitution %s has no principles", name);
    principles = List.copyOf(principles);
    Set<String> ids = new HashSet<>();
    for (Principle p : principles) {
      checkArgument(ids.add(p.id()), "constitution %s repeats principle id %s", name, p.id());
    }
    checkNotNull(fewShot, "fewShot (use List.of())");
    fewShot = fewShot.stream().map(List::copyOf).toList();
    for (int i = 0; i < fewShot.size(); i++) {
      checkArgument(!fewShot.get(i).isEmpty(), "few-shot dialogue %s of constitution %s is empty", i, name);
    }
  }

  /**
   * The principle with the given id.
   *
   * @param id a principle id
   * @return the principle, or empty when none has that id
   */
  public Optional<Principle> principle(String id) {
    return principles.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /**
   * The principles the supervised phase can use.
   *
   * @return those with a revision request, in order
   */
  public List<Principle> revisable() {
    return principles.stream().filter(Principle::canRevise).toList();
  }

  /**
   * The principles the preference phase can use.
   *
   * @return those with a comparison question, in order
   */
  public List<Principle> comparable() {
    return principles.stream().filter(Principle::canCompare).toList();
  }

  /**
   * The SHA-256 of the canonical form, stamped on every output row so that a label or a revision names the exact
   * principles it came from. The canonical form encodes each field in order with its length (UTF-8), absent texts
   * distinctly from empty ones, so any change of wording, order or few-shot turn changes the hash, and reformatting
   * the file (JSON or YAML, whitespace, key order) does not.
   *
   * @return 64 lower-case hex digits
   */
  public String sha256() {
    Hasher h = Hashing.sha256().newHasher();
    put(h, "align4j-constitution-v1");
    put(h, name);
    h.putInt(principles.size());
    for (Principle p : principles) {
      put(h, p.id());
      put(h, p.critique());
      put(h, p.revision());
      put(h, p.comparison());
    }
    h.putInt(fewShot.size());
    for (List<Message> dialogue : fewShot) {
      h.putInt(dialogue.size());
      for (Message m : dialogue) {
        put(h, m.role());
        put(h, m.content());
      }
    }
    return h.hash().toString();
  }

  private static void put(Hasher h, Optional<String> text) {
    h.putBoolean(text.isPresent());
    text.ifPresent(t -> put(h, t));
  }

  private static void put(Hasher h, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    h.putInt(b.length).putBytes(b);
  }
}
