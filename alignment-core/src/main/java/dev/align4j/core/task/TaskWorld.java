package dev.align4j.core.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

/**
 * The task world: draws tasks on either side of a fixed train/held-out split, simulates annotators and labellers, and
 * judges completions against the gold standard.
 *
 * <p>Annotators answer correctly with probability {@code annotatorAccuracy}; otherwise they slip (two adjacent
 * characters swapped, one dropped or one repeated; a number off by one). With probability {@code fillerRate} they
 * prefix the answer with the filler. Labellers compare two answers by the hidden utility
 * {@code correct + w_o·overlap + w_f·filler} through a Bradley–Terry choice at a temperature: they mostly prefer right
 * answers, but also near-misses and, slightly, friendliness, which is the bias a reward model learns and RL exploits.
 */
public final class TaskWorld {
  /** Which side of the split a prompt is on. */
  public enum Split { TRAIN, HELD_OUT }

  private final TaskConfig config;

  public TaskWorld(TaskConfig config) {
    this.config = config;
  }

  public TaskConfig config() {
    return config;
  }

  /** The side of the split {@code prompt} is on, fixed by a hash of its text. */
  public Split splitOf(String prompt) {
    return Math.floorMod(prompt.hashCode() * 0x9E3779B1, 1000) < config.heldOutShare() * 1000 ? Split.HELD_OUT
        : Split.TRAIN;
  }

  /** A task of a random family on the given side of the split. */
  public Task sample(Random r, Split split) {
    Family f = config.families().get(r.nextInt(config.families().size()));
    return sample(f, r, split);
  }

  /** A task of {@code family} on the given side of the split. */
  public Task sample(Family family, Random r, Split split) {
    while (true) {
      Task t = family.sample(r, config);
      if (splitOf(t.prompt()) == split) {
        return t;
      }
    }
  }

  /** {@code perFamily} tasks of each family, in family order. */
  public List<Task> balanced(int perFamily, Split split, long seed) {
    Random r = new Random(seed);
    List<Task> out = new ArrayList<>();
    for (Family f : config.families()) {
      for (int i = 0; i < perFamily; i++) {
        out.add(sample(f, r, split));
      }
    }
    return out;
  }

  /**
   * The task a prompt states, read back from its text ({@code reverse: abcd}, {@code sort: dbca},
   * {@code count a: abaca}, {@code max: 3 9 4}, with or without the trailing newline): how the world's judge and
   * reviser, which see only text as a chat model would, know what the answer should be.
   *
   * @return the task, or empty when the text is no instruction of this world's families
   */
  public Optional<Task> parse(String promptText) {
    String p = promptText.strip();
    int colon = p.indexOf(": ");
    if (colon < 0) {
      return Optional.empty();
    }
    String head = p.substring(0, colon);
    String arg = p.substring(colon + 2);
    for (Family f : config.families()) {
      Optional<String> answer = f.answer(head, arg, config);
      if (answer.isPresent()) {
        return Optional.of(new Task(f, p, answer.get()));
      }
    }
    return Optional.empty();
  }

  /** A simulated annotator's demonstration for {@code t}. */
  public String annotate(Task t, Random r) {
    String answer = r.nextDouble() < config.annotatorAccuracy() ? t.answer() : slip(t, r);
    return r.nextDouble() < config.fillerRate() ? config.filler() + answer : answer;
  }

  private String slip(Task t, Random r) {
    String a = t.answer();
    if (t.family() == Family.COUNT || t.family() == Family.MAX) {
      int v = Integer.parseInt(a);
      return Integer.toString(v == 0 || r.nextBoolean() ? v + 1 : v - 1);
    }
    for (int attempt = 0; attempt < 20; attempt++) {
      String s;
      int i = r.nextInt(a.length());
      switch (r.nextInt(3)) {
        case 0 -> {
          if (a.length() < 2) {
            continue;
          }
          int j = Math.min(i, a.length() - 2);
          char[] c = a.toCharArray();
          char tmp = c[j];
          c[j] = c[j + 1];
          c[j + 1] = tmp;
          s = new String(c);
        }
        case 1 -> s = a.substring(0, i) + a.substring(i + 1);
        default -> s = a.substring(0, i + 1) + a.charAt(i) + a.substring(i + 1);
      }
      if (!s.equals(a)) {
        return s;
      }
    }
    return a + a.charAt(a.length() - 1);   // repeat the last character: always a different string
  }

  /** The gold judge (evaluation only). */
  public Verdict judge(Task t, String completion) {
    boolean filler = completion.startsWith(config.filler());
    String content = filler ? completion.substring(config.filler().length()) : completion;
    boolean correct = content.equals(t.answer());
    return new Verdict(correct && !filler, correct, filler);
  }

  /** The labellers' hidden utility of a completion. */
  public double utility(Task t, String completion) {
    Verdict v = judge(t, completion);
    String content = v.filler() ? completion.substring(config.filler().length()) : completion;
    return (v.contentCorrect() ? 1 : 0) + config.utilityOverlap() * overlap(content, t.answer())
        + (v.filler() ? config.utilityFiller() : 0);
  }

  /** Share of positions where the two strings agree, over the longer length. */
  static double overlap(String a, String b) {
    int n = Math.max(a.length(), b.length());
    if (n == 0) {
      return 1;
    }
    int same = 0;
    for (int i = 0; i < Math.min(a.length(), b.length()); i++) {
      same += a.charAt(i) == b.charAt(i) ? 1 : 0;
    }
    return same / (double) n;
  }

  /** A simulated labeller's choice: true when {@code a} is preferred to {@code b} (Bradley–Terry on utilities). */
  public boolean prefersFirst(Task t, String a, String b, Random r) {
    double p = 1 / (1 + Math.exp(-(utility(t, a) - utility(t, b)) / config.labellerTemperature()));
    return r.nextDouble() < p;
  }

  /** Every character the world can produce (prompts, answers, slips, filler), for building the tokenizer. */
  public String alphabet() {
    TreeSet<Character> chars = new TreeSet<>();
    String text = config.letters() + "0123456789 :\n" + config.filler();
    for (Family f : config.families()) {
      text += f.label();
    }
    for (char c : text.toCharArray()) {
      chars.add(c);
    }
    StringBuilder b = new StringBuilder();
    chars.forEach(b::append);
    return b.toString();
  }
}
