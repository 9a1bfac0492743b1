package dev.align4j.core.cai;

import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Constitution;
import dev.align4j.core.data.LabelRequest;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskConfig;
import dev.align4j.core.task.TaskWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

/** Pairs of annotator answers from the built-in world, with the gold judge's reference label where it decides. */
final class WorldPairs {
  static final TaskWorld WORLD = new TaskWorld(TaskConfig.defaults());

  private WorldPairs() {}

  /** The world's shipped constitution (correct, no-filler, concise). */
  static Constitution constitution() {
    return ConstitutionFiles.builtinWorld();
  }

  /** {@code n} pairs of two different annotator answers to training prompts. */
  static List<LabelRequest> requests(int n, long seed) {
    Random r = new Random(seed);
    List<LabelRequest> out = new ArrayList<>();
    while (out.size() < n) {
      Task t = WORLD.sample(r, TaskWorld.Split.TRAIN);
      String a = WORLD.annotate(t, r);
      String b = WORLD.annotate(t, r);
      if (a.equals(b)) {
        continue;
      }
      double ua = gold(t, a);
      double ub = gold(t, b);
      OptionalInt label = ua == ub ? OptionalInt.empty() : OptionalInt.of(ua > ub ? 0 : 1);
      out.add(new LabelRequest(new CandidatePair("pair-" + out.size(), Text.plain(t.promptText()), a, b), label));
    }
    return out;
  }

  /** The gold preference: exactly correct and no filler first, then correct content. */
  static double gold(Task t, String completion) {
    var v = WORLD.judge(t, completion);
    return (v.gold() ? 2 : 0) + (v.contentCorrect() ? 1 : 0);
  }
}
