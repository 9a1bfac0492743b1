package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Outcome;
import dev.align4j.core.cai.ConstitutionalLabeller;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskWorld;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Who labels the loop's selected pairs: the built-in world's annotators, a constitution's judge, or people. */
public sealed interface LoopLabeller {
  /**
   * Labels one iteration's selected pairs.
   *
   * @param iteration the iteration, 1-based (seeds simulated labellers, so a rerun labels alike)
   * @param pairs the selected pairs, in order
   * @param iterationDir {@code OUT/iter-K}, where the human hand-off files live
   * @return the labels, or what people must do first
   * @throws IOException when a hand-off file cannot be written or read
   */
  LabelOutcome label(int iteration, List<CandidatePair> pairs, Path iterationDir) throws IOException;

  /** A short name for logs and metrics. */
  String id();

  /**
   * The built-in world's simulated labellers ({@link TaskWorld#prefersFirst}: Bradley–Terry on the hidden utility,
   * with their taste for filler): hard labels, seeded per iteration. Only the world's own prompts can be labelled.
   *
   * @param world the task world
   * @param seed seeds the labellers' noise
   */
  record World(TaskWorld world, long seed) implements LoopLabeller {
    public World {
      checkNotNull(world, "world");
    }

    @Override
    public LabelOutcome label(int iteration, List<CandidatePair> pairs, Path iterationDir) {
      Random r = new Random(seed * 1_000_003L + iteration);
      List<LoopLabel> out = new ArrayList<>();
      for (CandidatePair p : pairs) {
        String text = p.prompt() instanceof Text.Plain plain ? plain.text() : "";
        Task t = world.parse(text).orElseThrow(() -> new IllegalArgumentException("pair " + p.id() + ": prompt '"
            + text + "' is not an instruction of the built-in task world, so its simulated labellers cannot judge"
            + " it (use the human or constitutional labeller for other prompts)"));
        out.add(new LoopLabel(p.id(), world.prefersFirst(t, p.first(), p.second(), r) ? 1 : 0));
      }
      return new LabelOutcome.Labelled(out, Map.of());
    }

    @Override
    public String id() {
      return "world";
    }
  }

  /**
   * The constitutional labeller (a judge asked each principle in both orders): soft labels; ties, invalid, refused
   * and failed answers get no label and are counted by kind.
   *
   * @param labeller the labeller
   */
  record Constitutional(ConstitutionalLabeller labeller) implements LoopLabeller {
    public Constitutional {
      checkNotNull(labeller, "labeller");
    }

    @Override
    public LabelOutcome label(int iteration, List<CandidatePair> pairs, Path iterationDir) {
      List<Outcome> outcomes = labeller.label(pairs);
      List<LoopLabel> out = new ArrayList<>();
      Map<String, Integer> dropped = new TreeMap<>();
      for (int i = 0; i < pairs.size(); i++) {
        if (outcomes.get(i) instanceof Outcome.Preferred p) {
          out.add(new LoopLabel(pairs.get(i).id(), p.pFirst()));
        } else {
          dropped.merge(outcomes.get(i).kind(), 1, Integer::sum);
        }
      }
      return new LabelOutcome.Labelled(out, dropped);
    }

    @Override
    public String id() {
      return labeller.id();
    }
  }

  /**
   * People, through files: the loop writes {@code OUT/iter-K/to_label.jsonl} ({@code {"id", "prompt",
   * "completions": [a, b]}}, the format {@code align cai label} also reads) and stops; once
   * {@code OUT/iter-K/labels.jsonl} holds one line per pair, {@code {"id", "label": 0|1}} (the index of the better
   * completion) or {@code {"id", "p": x}} (the probability that completion 0 is better), a rerun goes on.
   */
  record Human() implements LoopLabeller {
    /** The file of pairs to label. */
    public static final String TO_LABEL = "to_label.jsonl";
    /** The file people write. */
    public static final String LABELS = "labels.jsonl";

    @Override
    public LabelOutcome label(int iteration, List<CandidatePair> pairs, Path iterationDir) throws IOException {
      Path toLabel = iterationDir.resolve(TO_LABEL);
      Path labels = iterationDir.resolve(LABELS);
      HumanLabelFiles.writeRequests(toLabel, pairs);
      if (!java.nio.file.Files.exists(labels)) {
        return new LabelOutcome.Needed(toLabel, labels, pairs.size());
      }
      return new LabelOutcome.Labelled(HumanLabelFiles.readLabels(labels, pairs), Map.of());
    }

    @Override
    public String id() {
      return "human";
    }
  }
}
