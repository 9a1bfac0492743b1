package dev.align4j.core.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.core.AlignModel;
import dev.align4j.core.eval.HeldOutLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step h: what one iteration did to the reward model and the policy, as {@code OUT/iter-K/metrics.json}. The keys, in
 * order (a key whose input is missing is left out, never written as NaN):
 * <ul>
 *   <li>{@code labels/iteration}, {@code labels/dropped}, {@code labels/spent} (cumulative);
 *   <li>{@code rm/fresh_accuracy_before}: the old ensemble on this iteration's new labels (staleness), and
 *       {@code rm/fresh_accuracy_after} the refreshed one on the same labels; {@code rm/heldout_accuracy_before} and
 *       {@code rm/heldout_accuracy} on the held-out pairs; {@code rm/stale} when fresh accuracy falls below held-out
 *       accuracy by more than the margin. An accuracy counts P(first ≻ second) &gt; ½ agreeing with the label; a
 *       model at exactly ½ scores ½, a label of exactly ½ is not counted;
 *   <li>{@code reward/mean}, {@code kl/reference}, {@code kl/sequence}: the RL pass's last logged iteration;
 *   <li>{@code reward/proxy}: the refreshed ensemble's (conservative) reward of the new policy's samples;
 *       {@code reward/gold} their gold score, when a gold scorer is given;
 *   <li>{@code diversity/distinct_1}, {@code diversity/distinct_2}, {@code diversity/self_similarity}: over the new
 *       policy's N samples of each of this iteration's prompts ({@link Diversity});
 *   <li>{@code winrate/vs_previous}, {@code winrate/vs_sft}: with a gold scorer, the share of prompts where the new
 *       policy's sample scores higher than the other's (a tie is half a win), one sample each at the same seed;
 *   <li>{@code policy/kept_previous}: the regression guard kept the previous policy;
 *   <li>{@code sft/heldout_loss_drift}: held-out demonstration loss of the new policy minus the SFT model's
 *       (forgetting), when demonstrations are given.
 * </ul>
 */
final class LoopEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(LoopEvaluation.class);

  private final AlignmentLoop loop;
  private final LoopConfig config;
  private final int k;
  private final IterationFiles files;
  private final AlignModel sft;
  private final AlignModel previous;
  private final RewardEnsemble fresh;
  private final int spentBefore;

  LoopEvaluation(AlignmentLoop loop, int k, IterationFiles files, AlignModel sft, AlignModel previous,
      RewardEnsemble fresh, int spentBefore) {
    this.loop = loop;
    this.config = loop.config();
    this.k = k;
    this.files = files;
    this.sft = sft;
    this.previous = previous;
    this.fresh = fresh;
    this.spentBefore = spentBefore;
  }

  ObjectNode evaluate(List<Prompt> prompts, List<Candidate> selected, List<LoopLabel> labels) throws IOException {
    ObjectNode m = LoopFiles.object().put("iteration", k);
    m.put("labels/iteration", labels.size());
    m.put("labels/dropped", files.droppedLabels());
    m.put("labels/spent", spentBefore + labels.size());

    Map<String, Candidate> byId = IterationRun.byId(selected);
    List<Candidate> labelled = labels.stream().map(l -> byId.get(l.id())).toList();
    double before = agreement(labelled, labels);
    List<Candidate> rescored = CandidateScoring.score(fresh, labelled.stream()
        .map(c -> new CandidatePair(c.id(), c.prompt(), c.first(), c.second())).toList());
    double after = agreement(rescored, labels);
    JsonNode beforeFile = LoopFiles.readJson(files.before());
    double heldBefore = beforeFile.path("heldout_accuracy").asDouble(Double.NaN);
    double held = AlignmentLoop.accuracy(fresh, loop.heldOutPairs());
    put(m, "rm/fresh_accuracy_before", before);
    put(m, "rm/fresh_accuracy_after", after);
    put(m, "rm/heldout_accuracy_before", heldBefore);
    put(m, "rm/heldout_accuracy", held);
    if (Double.isFinite(before) && Double.isFinite(heldBefore)) {
      boolean stale = before < heldBefore - config.stalenessMargin();
      m.put("rm/stale", stale);
      if (stale) {
        LOG.warn("loop iteration {}: the reward model is stale: {} accuracy on the fresh labels against {} held out"
            + " (margin {})", k, String.format("%.3f", before), String.format("%.3f", heldBefore),
            config.stalenessMargin());
      }
    }

    JsonNode rl = lastRlLine();
    for (String key : List.of("reward/mean", "kl/reference", "kl/sequence")) {
      if (rl.has(key) && rl.get(key).isNumber()) {
        put(m, key, rl.get(key).asDouble());
      }
    }

    try (AlignModel policy = AlignModel.load(files.policy())) {
      PolicySamples samples = PolicySamples.of(policy, prompts, config.samplesPerPrompt(), config.sampling(),
          AlignmentLoop.seed(config.seed(), k, 5));
      List<int[]> all = new ArrayList<>();
      samples.ids().forEach(all::addAll);
      put(m, "reward/proxy", proxy(samples, prompts));
      BiFunction<Prompt, String, Double> gold = loop.gold();
      if (gold != null) {
        put(m, "reward/gold", meanGold(gold, prompts, samples.texts()));
      }
      put(m, "diversity/distinct_1", Diversity.distinctN(all, 1));
      put(m, "diversity/distinct_2", Diversity.distinctN(all, 2));
      put(m, "diversity/self_similarity", Diversity.selfSimilarity(samples.ids()));
      boolean kept = false;
      if (gold != null) {
        long seed = AlignmentLoop.seed(config.seed(), k, 6);
        List<String> mine = one(policy, prompts, seed);
        double vsPrevious = winRate(gold, prompts, mine, one(previous, prompts, seed));
        double vsSft = winRate(gold, prompts, mine, one(sft, prompts, seed));
        put(m, "winrate/vs_previous", vsPrevious);
        put(m, "winrate/vs_sft", vsSft);
        kept = vsPrevious < config.regressionFloor();
        if (kept) {
          LOG.warn("loop iteration {}: the new policy wins {} against the previous one, under the floor {}; keeping"
              + " the previous policy", k, String.format("%.3f", vsPrevious), config.regressionFloor());
        }
      }
      m.put("policy/kept_previous", kept);
      if (!loop.heldOutDemonstrations().isEmpty()) {
        put(m, "sft/heldout_loss_drift", HeldOutLoss.of(policy, loop.heldOutDemonstrations(), 64)
            - HeldOutLoss.of(sft, loop.heldOutDemonstrations(), 64));
      }
    }
    return m;
  }

  /** Agreement of each candidate's P(first ≻ second) with its label, over labels that take a side. */
  static double agreement(List<Candidate> scored, List<LoopLabel> labels) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < labels.size(); i++) {
      double label = labels.get(i).pFirst();
      if (label == 0.5) {
        continue;
      }
      double p = scored.get(i).preferenceProbability();
      sum += p == 0.5 ? 0.5 : (p > 0.5) == (label > 0.5) ? 1 : 0;
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private double proxy(PolicySamples samples, List<Prompt> prompts) {
    List<dev.align4j.api.data.CompletionSample> all = new ArrayList<>();
    for (int p = 0; p < prompts.size(); p++) {
      for (String s : samples.texts().get(p)) {
        all.add(AlignmentLoop.sample(prompts.get(p), s));
      }
    }
    double sum = 0;
    for (double v : fresh.score(all)) {
      sum += v;
    }
    return sum / all.size();
  }

  private static double meanGold(BiFunction<Prompt, String, Double> gold, List<Prompt> prompts,
      List<List<String>> texts) {
    double sum = 0;
    int n = 0;
    for (int p = 0; p < prompts.size(); p++) {
      for (String s : texts.get(p)) {
        sum += gold.apply(prompts.get(p), s);
        n++;
      }
    }
    return sum / n;
  }

  private List<String> one(AlignModel policy, List<Prompt> prompts, long seed) {
    return PolicySamples.of(policy, prompts, 1, config.sampling(), seed).texts().stream().map(t -> t.get(0))
        .toList();
  }

  private static double winRate(BiFunction<Prompt, String, Double> gold, List<Prompt> prompts, List<String> mine,
      List<String> theirs) {
    double wins = 0;
    for (int p = 0; p < prompts.size(); p++) {
      double a = gold.apply(prompts.get(p), mine.get(p));
      double b = gold.apply(prompts.get(p), theirs.get(p));
      wins += a > b ? 1 : a == b ? 0.5 : 0;
    }
    return wins / prompts.size();
  }

  private JsonNode lastRlLine() throws IOException {
    Path file = files.rl().resolve("metrics.jsonl");
    if (!Files.exists(file)) {
      return LoopFiles.object();
    }
    List<JsonNode> lines = LoopFiles.readJsonl(file);
    return lines.isEmpty() ? LoopFiles.object() : lines.get(lines.size() - 1);
  }

  private static void put(ObjectNode m, String key, double v) {
    if (Double.isFinite(v)) {
      m.put(key, v);
    }
  }
}
