package dev.align4j.core.task;

import com.google.common.hash.Hashing;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What the built-in world's rule-following judge and reviser know about the world constitution's principles
 * ({@code correct}, {@code no-filler}, {@code concise}): how well a completion follows each, read from text alone,
 * as a chat model would have to.
 */
final class WorldRules {
  static final List<String> PRINCIPLES = List.of("correct", "no-filler", "concise");

  private final TaskWorld world;

  WorldRules(TaskWorld world) {
    this.world = world;
  }

  /** The task a prompt states: plain text, or the last user turn of a conversation. */
  Optional<Task> task(Text prompt) {
    String text;
    if (prompt instanceof Text.Plain p) {
      text = p.text();
    } else {
      List<Message> ms = ((Text.Chat) prompt).messages();
      text = ms.stream().filter(m -> m.role().equals("user")).reduce((a, b) -> b).map(Message::content).orElse("");
    }
    return world.parse(text);
  }

  boolean knows(String principle) {
    return PRINCIPLES.contains(principle);
  }

  boolean hasFiller(String completion) {
    return completion.startsWith(world.config().filler());
  }

  String content(String completion) {
    return hasFiller(completion) ? completion.substring(world.config().filler().length()) : completion;
  }

  /**
   * How well {@code completion} follows {@code principle}; higher is better, equal scores mean the principle cannot
   * decide between two completions. correct: 1 when the content (filler aside) is the answer; no-filler: 0 with the
   * filler; concise: minus the characters beyond the answer's length (filler included).
   */
  int score(String principle, Task t, String completion) {
    return switch (principle) {
      case "correct" -> content(completion).equals(t.answer()) ? 1 : 0;
      case "no-filler" -> hasFiller(completion) ? 0 : 1;
      case "concise" -> -Math.max(0, completion.length() - t.answer().length());
      default -> throw new IllegalArgumentException("no rule for principle " + principle);
    };
  }

  /** A number in [0, 1) fixed by the parts, for seeded, order-free fallibility. */
  static double uniform(long seed, String... parts) {
    var h = Hashing.sha256().newHasher().putLong(seed);
    for (String p : parts) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      h.putInt(b.length).putBytes(b);
    }
    return (h.hash().asLong() >>> 11) * 0x1.0p-53;
  }
}
