package dev.align4j.core.task;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.Reviser;
import dev.align4j.api.judge.RevisionStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in world's reviser: a rule-following stand-in for a chat model asked to critique its answer against a
 * principle and rewrite it. It reads the task from the prompt text; its critique names the fault the principle
 * targets (or says there is none), and its revision fixes that fault with a set probability per principle, as a
 * model that sometimes fails to follow the request would: {@code correct} writes the right content (keeping any
 * filler), {@code no-filler} drops the filler, {@code concise} drops the filler and cuts characters beyond the
 * answer's length. Which answers it fails on is fixed by the seed, the principle, the prompt, the answer and the
 * round.
 */
public final class WorldReviser implements Reviser {
  private final WorldRules rules;
  private final String filler;
  private final Map<String, Double> accuracy;
  private final long seed;

  /**
   * @param accuracy per principle id ({@code correct}, {@code no-filler}, {@code concise}), the probability that a
   *     revision fixes the fault
   * @param seed fixes which revisions fail
   */
  public WorldReviser(TaskWorld world, Map<String, Double> accuracy, long seed) {
    this.rules = new WorldRules(checkNotNull(world, "world"));
    this.filler = world.config().filler();
    checkNotNull(accuracy, "accuracy");
    for (String p : WorldRules.PRINCIPLES) {
      Double a = accuracy.get(p);
      checkArgument(a != null && a >= 0 && a <= 1, "revision accuracy of principle %s must be in [0, 1], got %s", p,
          a);
    }
    this.accuracy = Map.copyOf(accuracy);
    this.seed = seed;
  }

  /** The demo's reviser: fixes wrong content 60 % of the time, filler 95 %, extra characters 90 %. */
  public static WorldReviser defaults(TaskWorld world, long seed) {
    Map<String, Double> a = new LinkedHashMap<>();
    a.put("correct", 0.6);
    a.put("no-filler", 0.95);
    a.put("concise", 0.9);
    return new WorldReviser(world, a, seed);
  }

  @Override
  public String id() {
    return "world-reviser(accuracy " + accuracy + ", seed " + seed + ")";
  }

  @Override
  public List<ChatReply> critique(List<RevisionStep> steps) {
    List<ChatReply> out = new ArrayList<>(steps.size());
    for (RevisionStep s : steps) {
      out.add(answer(s).map(t -> (ChatReply) new ChatReply.Answer(critique(s.principle().id(), t, s.answer()),
          List.of(), "stop")).orElseGet(() -> refusal(s)));
    }
    return out;
  }

  @Override
  public List<ChatReply> revise(List<RevisionStep> steps) {
    List<ChatReply> out = new ArrayList<>(steps.size());
    for (RevisionStep s : steps) {
      out.add(answer(s).map(t -> (ChatReply) new ChatReply.Answer(revision(s, t), List.of(), "stop"))
          .orElseGet(() -> refusal(s)));
    }
    return out;
  }

  private Optional<Task> answer(RevisionStep s) {
    return rules.knows(s.principle().id()) ? rules.task(s.prompt()) : Optional.empty();
  }

  private ChatReply refusal(RevisionStep s) {
    return new ChatReply.Refusal(rules.knows(s.principle().id()) ? "the prompt is no task of the built-in world"
        : "the world reviser has no rule for principle " + s.principle().id());
  }

  private String critique(String principle, Task t, String answer) {
    return switch (principle) {
      case "correct" -> rules.content(answer).equals(t.answer()) ? "The answer is the correct result."
          : "The answer is not the correct result of the instruction '" + t.prompt() + "'.";
      case "no-filler" -> rules.hasFiller(answer) ? "The answer starts with the filler '" + filler.strip() + "'."
          : "The answer has no filler.";
      default -> answer.length() > t.answer().length()
          ? "The answer has " + (answer.length() - t.answer().length()) + " characters more than the result needs."
          : "The answer has no extra characters.";
    };
  }

  private String revision(RevisionStep s, Task t) {
    String principle = s.principle().id();
    String answer = s.answer();
    boolean fixes = WorldRules.uniform(seed, principle, t.prompt(), answer,
        Integer.toString(s.conversation().size())) < accuracy.get(principle);
    if (!fixes) {
      return answer;
    }
    return switch (principle) {
      case "correct" -> (rules.hasFiller(answer) ? filler : "") + t.answer();
      case "no-filler" -> rules.content(answer);
      default -> {
        String content = rules.content(answer);
        yield content.length() > t.answer().length() ? content.substring(0, t.answer().length()) : content;
      }
    };
  }
}
