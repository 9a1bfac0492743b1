package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.hash.Hashing;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import dev.align4j.api.judge.Reviser;
import dev.align4j.api.judge.RevisionStep;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervised phase of Constitutional AI (Bai et al. 2022): each answer is critiqued against a principle and
 * revised, for {@code rounds} rounds (the paper ran four; default 1), one principle per round drawn with the seed
 * and the task's id; the last revision becomes the SFT target. With {@code critique} off the reviser is asked for the
 * revision directly (the paper found that critiques help small models most).
 *
 * <p>A task whose reviser refuses or fails, or whose revision is empty, is dropped with its reason and counted, never
 * written as a target. Tasks are sent to the reviser {@code batchSize} at a time, each round as one batch.
 */
public final class CritiqueRevision {
  private static final Logger LOG = LoggerFactory.getLogger(CritiqueRevision.class);

  private final Constitution constitution;
  private final List<Principle> principles;
  private final Reviser reviser;
  private final Settings settings;

  private CritiqueRevision(Constitution constitution, Reviser reviser, Settings settings) {
    this.constitution = checkNotNull(constitution, "constitution");
    this.principles = constitution.revisable().stream()
        .filter(p -> !settings.critique() || p.critique().isPresent()).toList();
    checkArgument(!principles.isEmpty(), "constitution %s has no principle with a revision request%s",
        constitution.name(), settings.critique() ? " and a critique request (or turn critique off)" : "");
    this.reviser = checkNotNull(reviser, "reviser");
    this.settings = settings;
  }

  public static CritiqueRevision of(Constitution constitution, Reviser reviser, Settings settings) {
    return new CritiqueRevision(constitution, reviser, checkNotNull(settings, "settings"));
  }

  public Constitution constitution() {
    return constitution;
  }

  public Reviser reviser() {
    return reviser;
  }

  public Settings settings() {
    return settings;
  }

  /** Runs every round for each task; one record per task, in order. */
  public List<RevisionRecord> run(List<RevisionTask> tasks) {
    List<RevisionRecord> out = new ArrayList<>(tasks.size());
    for (int start = 0; start < tasks.size(); start += settings.batchSize()) {
      out.addAll(runBatch(tasks.subList(start, Math.min(tasks.size(), start + settings.batchSize()))));
      LOG.debug("revised {}/{} answers", Math.min(tasks.size(), start + settings.batchSize()), tasks.size());
    }
    return out;
  }

  private List<RevisionRecord> runBatch(List<RevisionTask> tasks) {
    int n = tasks.size();
    List<List<Message>> conversations = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    List<List<RevisionRecord.Round>> rounds = new ArrayList<>();
    String[] dropped = new String[n];
    for (RevisionTask t : tasks) {
      List<Message> c = new ArrayList<>(turns(t.prompt()));
      c.add(new Message("assistant", t.initialAnswer()));
      conversations.add(c);
      answers.add(t.initialAnswer());
      rounds.add(new ArrayList<>());
    }
    for (int round = 0; round < settings.rounds(); round++) {
      List<Integer> live = new ArrayList<>();
      List<RevisionStep> steps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (dropped[i] == null) {
          live.add(i);
          steps.add(new RevisionStep(principle(tasks.get(i).id(), round), tasks.get(i).prompt(), answers.get(i),
              conversations.get(i), Optional.empty()));
        }
      }
      if (live.isEmpty()) {
        break;
      }
      List<Optional<String>> critiques = new ArrayList<>();
      if (settings.critique()) {
        List<ChatReply> replies = reviser.critique(steps);
        for (int k = 0; k < live.size(); k++) {
          ChatReply r = replies.get(k);
          if (r instanceof ChatReply.Answer a) {
            critiques.add(Optional.of(a.text().strip()));
          } else {
            critiques.add(Optional.empty());
            dropped[live.get(k)] = "round " + (round + 1) + " critique " + describe(r);
          }
        }
      } else {
        live.forEach(i -> critiques.add(Optional.empty()));
      }
      List<Integer> revising = new ArrayList<>();
      List<RevisionStep> revisionSteps = new ArrayList<>();
      for (int k = 0; k < live.size(); k++) {
        if (dropped[live.get(k)] == null) {
          RevisionStep s = steps.get(k);
          revising.add(k);
          revisionSteps.add(new RevisionStep(s.principle(), s.prompt(), s.answer(), s.conversation(),
              critiques.get(k)));
        }
      }
      List<ChatReply> revisions = revisionSteps.isEmpty() ? List.of() : reviser.revise(revisionSteps);
      for (int j = 0; j < revising.size(); j++) {
        int k = revising.get(j);
        int i = live.get(k);
        ChatReply r = revisions.get(j);
        RevisionStep s = revisionSteps.get(j);
        if (!(r instanceof ChatReply.Answer a)) {
          dropped[i] = "round " + (round + 1) + " revision " + describe(r);
          continue;
        }
        String revised = a.text().strip();
        if (revised.isEmpty()) {
          dropped[i] = "round " + (round + 1) + " revision is empty";
          continue;
        }
        rounds.get(i).add(new RevisionRecord.Round(s.principle().id(), s.critique(), revised));
        List<Message> c = conversations.get(i);
        s.critique().ifPresent(text -> {
          c.add(new Message("user", s.principle().critique().orElseThrow()));
          c.add(new Message("assistant", text));
        });
        c.add(new Message("user", s.principle().revision().orElseThrow()));
        c.add(new Message("assistant", revised));
        answers.set(i, revised);
      }
    }
    List<RevisionRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RevisionTask t = tasks.get(i);
      out.add(dropped[i] != null ? RevisionRecord.dropped(t.id(), t.prompt(), t.initialAnswer(), rounds.get(i),
          dropped[i]) : new RevisionRecord(t.id(), t.prompt(), t.initialAnswer(), rounds.get(i),
          Optional.of(answers.get(i)), Optional.empty()));
    }
    return out;
  }

  /** The principle of {@code round} for task {@code id}: drawn by the seed, the id and the round. */
  Principle principle(String id, int round) {
    long h = Hashing.sha256().newHasher().putLong(settings.seed()).putString(id, StandardCharsets.UTF_8)
        .putInt(round).hash().asLong();
    return principles.get(new Random(h).nextInt(principles.size()));
  }

  /** The prompt as the opening turns of the conversation. */
  public static List<Message> turns(Text prompt) {
    return prompt instanceof Text.Chat c ? c.messages()
        : List.of(new Message("user", ((Text.Plain) prompt).text()));
  }

  private static String describe(ChatReply r) {
    if (r instanceof ChatReply.Refusal f) {
      return "refused: " + f.reason();
    }
    return "failed: " + ((ChatReply.Failure) r).error();
  }

  /**
   * How the phase runs.
   *
   * @param rounds critique–revision rounds per answer (default 1; the paper used up to 4)
   * @param critique ask for a critique before each revision (default true); false revises directly
   * @param seed draws the principles (default 0)
   * @param batchSize answers per reviser call (default 64)
   */
  public record Settings(int rounds, boolean critique, long seed, int batchSize) {
    public Settings {
      checkArgument(rounds >= 1, "rounds must be >= 1, got %s", rounds);
      checkArgument(batchSize >= 1, "batch-size must be >= 1, got %s", batchSize);
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builds {@link Settings}; each setter names its default. */
    public static final class Builder {
      private int rounds = 1;
      private boolean critique = true;
      private long seed = 0;
      private int batchSize = 64;

      /** Rounds per answer; default 1. */
      public Builder rounds(int v) {
        rounds = v;
        return this;
      }

      /** Critique before revising; default true. */
      public Builder critique(boolean v) {
        critique = v;
        return this;
      }

      /** Seed of the principle draws; default 0. */
      public Builder seed(long v) {
        seed = v;
        return this;
      }

      /** Answers per reviser call; default 64. */
      public Builder batchSize(int v) {
        batchSize = v;
        return this;
      }

      public Settings build() {
        return new Settings(rounds, critique, seed, batchSize);
      }
    }
  }
}
