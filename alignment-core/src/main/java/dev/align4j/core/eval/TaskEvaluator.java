package dev.align4j.core.eval;

import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.Policy;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.Text;
import dev.align4j.core.task.Family;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskWorld;
import dev.align4j.core.task.Verdict;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Samples a policy on held-out tasks at temperature 1 (greedy decoding hides the ceiling a policy has learned) and
 * judges the completions with the gold standard.
 */
public final class TaskEvaluator {
  private final TaskWorld world;
  private final PolicyTokenizer tokenizer;
  private final List<Task> tasks;
  private final int samplesPerTask;
  private final int maxNewTokens;
  private final int batch;

  /**
   * @param tasks the held-out tasks (balanced over families)
   * @param samplesPerTask completions per task
   */
  public TaskEvaluator(TaskWorld world, PolicyTokenizer tokenizer, List<Task> tasks, int samplesPerTask,
      int maxNewTokens, int batch) {
    this.world = world;
    this.tokenizer = tokenizer;
    this.tasks = List.copyOf(tasks);
    this.samplesPerTask = samplesPerTask;
    this.maxNewTokens = maxNewTokens;
    this.batch = batch;
  }

  /** The tasks. */
  public List<Task> tasks() {
    return tasks;
  }

  /** Completion texts, {@code samplesPerTask} per task, task-major, drawn with {@code seed}. */
  public List<String> sample(Policy policy, long seed) {
    List<int[]> prompts = new ArrayList<>();
    for (Task t : tasks) {
      int[] ids = tokenizer.prompt(Text.plain(t.promptText()));
      for (int s = 0; s < samplesPerTask; s++) {
        prompts.add(ids);
      }
    }
    List<String> out = new ArrayList<>(prompts.size());
    for (int i = 0; i < prompts.size(); i += batch) {
      List<Completion> cs = policy.generate(prompts.subList(i, Math.min(prompts.size(), i + batch)),
          SamplingParams.sample(1.0, maxNewTokens), seed * 131 + i);
      for (Completion c : cs) {
        out.add(tokenizer.decode(c.tokenIds()));
      }
    }
    return out;
  }

  /** The task of completion {@code i} of {@link #sample}. */
  public Task taskOf(int i) {
    return tasks.get(i / samplesPerTask);
  }

  /** Gold scores of completions from {@link #sample}. */
  public TaskScores score(List<String> completions) {
    Map<Family, double[]> sums = new EnumMap<>(Family.class);
    Map<Family, Integer> counts = new EnumMap<>(Family.class);
    double gold = 0;
    double content = 0;
    double filler = 0;
    Set<String> bigrams = new HashSet<>();
    int totalBigrams = 0;
    int taskCount = (completions.size() + samplesPerTask - 1) / samplesPerTask;
    double[][] perTask = new double[3][taskCount];   // gold, content, filler share per task (the sampled units)
    for (int i = 0; i < completions.size(); i++) {
      Task t = taskOf(i);
      String c = completions.get(i);
      Verdict v = world.judge(t, c);
      perTask[0][i / samplesPerTask] += (v.gold() ? 1.0 : 0.0) / samplesPerTask;
      perTask[1][i / samplesPerTask] += (v.contentCorrect() ? 1.0 : 0.0) / samplesPerTask;
      perTask[2][i / samplesPerTask] += (v.filler() ? 1.0 : 0.0) / samplesPerTask;
      gold += v.gold() ? 1 : 0;
      content += v.contentCorrect() ? 1 : 0;
      filler += v.filler() ? 1 : 0;
      double[] s = sums.computeIfAbsent(t.family(), f -> new double[3]);
      s[0] += v.gold() ? 1 : 0;
      s[1] += v.contentCorrect() ? 1 : 0;
      s[2] += v.filler() ? 1 : 0;
      counts.merge(t.family(), 1, Integer::sum);
      for (int j = 0; j + 1 < c.length(); j++) {
        bigrams.add(c.substring(j, j + 2));
        totalBigrams++;
      }
    }
    Map<Family, double[]> perFamily = new EnumMap<>(Family.class);
    sums.forEach((f, s) -> perFamily.put(f, new double[] {s[0] / counts.get(f), s[1] / counts.get(f),
        s[2] / counts.get(f)}));
    int n = completions.size();
    return new TaskScores(gold / n, content / n, filler / n, perFamily,
        totalBigrams == 0 ? 0 : bigrams.size() / (double) totalBigrams, n, TaskScores.standardError(perTask[0]),
        TaskScores.standardError(perTask[1]), TaskScores.standardError(perTask[2]));
  }

  /**
   * Win-rate of {@code candidate} against {@code baseline} completions of the same prompts under the gold judge: 1 for
   * a gold answer against a non-gold one, 0.5 for a tie.
   */
  public double winRate(List<String> candidate, List<String> baseline) {
    double w = 0;
    for (int i = 0; i < candidate.size(); i++) {
      Task t = taskOf(i);
      boolean a = world.judge(t, candidate.get(i)).gold();
      boolean b = world.judge(t, baseline.get(i)).gold();
      w += a == b ? 0.5 : a ? 1 : 0;
    }
    return w / candidate.size();
  }
}
