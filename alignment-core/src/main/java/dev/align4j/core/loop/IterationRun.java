package dev.align4j.core.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.core.AlignModel;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.eval.HeldOutLoss;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iteration's steps a–h. Each step first looks for its file: present, it is read back and the step skipped, so a
 * rerun after a kill redoes only the step that was cut (and the trainers resume that one from their checkpoints).
 * Every step reads its inputs from the files of the steps before it, which is what makes a resumed run equal an
 * uninterrupted one.
 */
final class IterationRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IterationRun.class);

  private final AlignmentLoop loop;
  private final LoopConfig config;
  private final int k;
  private final IterationFiles files;
  private final AlignModel sft;
  private final Path policyPath;
  private final RewardEnsemble initial;
  private final Path rmPath;
  private final List<PreferencePair> earlier;
  private final int spentBefore;
  private AlignModel start;
  private RewardEnsemble old;
  private RewardEnsemble fresh;

  /**
   * @param policyPath the policy this iteration starts from, null for the SFT model
   * @param rmPath the reward-model members this iteration starts from, null for the initial ensemble
   * @param earlier every earlier iteration's labelled pairs (the replay)
   */
  IterationRun(AlignmentLoop loop, int k, IterationFiles files, AlignModel sft, Path policyPath,
      RewardEnsemble initial, Path rmPath, List<PreferencePair> earlier, int spentBefore) {
    this.loop = loop;
    this.config = loop.config();
    this.k = k;
    this.files = files;
    this.sft = sft;
    this.policyPath = policyPath;
    this.initial = initial;
    this.rmPath = rmPath;
    this.earlier = earlier;
    this.spentBefore = spentBefore;
  }

  /** Runs the unfinished steps; returns {@link LoopOutcome.LabelsNeeded} when people must label first, else null. */
  LoopOutcome run() throws IOException {
    Files.createDirectories(files.dir());
    files.deleteTemporaries();
    List<Prompt> prompts = prompts();
    List<Candidate> candidates = candidates(prompts);
    List<Candidate> selected = selected(candidates);
    if (!Files.exists(files.labels())) {
      List<CandidatePair> pairs = selected.stream()
          .map(c -> new CandidatePair(c.id(), c.prompt(), c.first(), c.second())).toList();
      LabelOutcome out = loop.labeller().label(k, pairs, files.dir());
      if (out instanceof LabelOutcome.Needed n) {
        LOG.info("loop iteration {}: {} pairs wait for labels in {}", k, n.pairs(), n.toLabel());
        return new LoopOutcome.LabelsNeeded(k, n.toLabel(), n.labels(), n.pairs());
      }
      LabelOutcome.Labelled l = (LabelOutcome.Labelled) out;
      files.writeLabels(l, loop.labeller().id());
      LOG.info("loop iteration {}: {} labels from {}, dropped {}", k, l.labels().size(), loop.labeller().id(),
          l.dropped());
    }
    List<LoopLabel> labels = files.readLabels();
    List<PreferencePair> newPairs = AlignmentLoop.pairs(selected, labels);
    refresh(newPairs);
    train(prompts);
    ObjectNode metrics = new LoopEvaluation(loop, k, files, sft, start(), freshEnsemble(), spentBefore)
        .evaluate(prompts, selected, labels);
    refreshSft(metrics);
    LoopFiles.writeJson(files.metrics(), metrics);
    return null;
  }

  // a: fresh prompts
  private List<Prompt> prompts() throws IOException {
    if (!Files.exists(files.prompts())) {
      List<Prompt> p = loop.promptSource().next(k, config.promptsPerIteration());
      if (p.size() != config.promptsPerIteration()) {
        throw new IllegalArgumentException("the prompt source returned " + p.size() + " prompts for iteration " + k
            + "; prompts-per-iteration is " + config.promptsPerIteration());
      }
      files.writePrompts(p);
    }
    return files.readPrompts();
  }

  // b + c: N samples per prompt from the current policy, candidate pairs scored by the current ensemble
  private List<Candidate> candidates(List<Prompt> prompts) throws IOException {
    if (!Files.exists(files.samples())) {
      files.writeSamples(PolicySamples.of(start(), prompts, config.samplesPerPrompt(), config.sampling(),
          AlignmentLoop.seed(config.seed(), k, 1)).texts());
    }
    if (!Files.exists(files.candidates())) {
      List<CandidatePair> pairs = CandidatePairs.of(k, prompts, files.readSamples(), config.pairing());
      ObjectNode before = LoopFiles.object();
      double held = AlignmentLoop.accuracy(oldEnsemble(), loop.heldOutPairs());
      if (Double.isFinite(held)) {
        before.put("heldout_accuracy", held);
      }
      LoopFiles.writeJson(files.before(), before);
      files.writeCandidates(files.candidates(), CandidateScoring.score(oldEnsemble(), pairs));
    }
    return files.readCandidates(files.candidates());
  }

  // d: acquisition
  private List<Candidate> selected(List<Candidate> candidates) throws IOException {
    if (!Files.exists(files.selected())) {
      if (candidates.isEmpty()) {
        throw new IllegalArgumentException("iteration " + k + " has no candidate pair: every prompt's samples were"
            + " identical; raise the temperature or samples-per-prompt");
      }
      int budget = Math.min(config.labelsPerIteration(), candidates.size());
      if (budget < config.labelsPerIteration()) {
        LOG.warn("loop iteration {}: only {} candidate pairs for {} labels; labelling all of them", k,
            candidates.size(), config.labelsPerIteration());
      }
      files.writeCandidates(files.selected(), config.acquisition().select(candidates, budget));
    }
    return files.readCandidates(files.selected());
  }

  // f: reward-model refresh
  private void refresh(List<PreferencePair> newPairs) throws IOException {
    if (Files.exists(files.rm())) {
      return;
    }
    boolean retrain = config.refresh() == RewardRefresh.RETRAIN;
    List<PreferencePair> train = new ArrayList<>(retrain || config.replay() ? earlier : List.of());
    train.addAll(newPairs);
    if (train.isEmpty()) {
      throw new IllegalArgumentException("iteration " + k + ": no label survived (see " + files.labelling()
          + "), so there is nothing to refresh the reward model on");
    }
    EnsembleTrainer trainer = EnsembleTrainer.of(config.reward(), retrain ? config.ensembleSize()
        : oldEnsemble().members().size(), AlignmentLoop.seed(config.seed(), k, 3)).runFolder(files.rmTrain());
    LOG.info("loop iteration {}: {} the reward model on {} pairs ({} new)", k, retrain ? "retraining" : "refreshing",
        train.size(), newPairs.size());
    try (RewardEnsemble refreshed = retrain
        ? trainer.train(sft, train, loop.heldOutPairs(), config.conservative())
        : trainer.refresh(oldEnsemble(), train, loop.heldOutPairs())) {
      files.writeEnsemble(refreshed);
    }
    LoopFiles.deleteTree(files.rmTrain());       // the members are in rm/; their checkpoints are spent
  }

  // g: the RL pass from the current policy against the refreshed ensemble
  private void train(List<Prompt> prompts) throws IOException {
    if (Files.exists(files.policy())) {
      return;
    }
    GrpoConfig rl = config.rl().toBuilder().seed(AlignmentLoop.seed(config.rl().rl().seed(), k, 4)).build();
    AlignModel reference = config.reference() == ReferencePolicy.SFT ? sft : start();
    try (TrainingResult<AlignModel> r = GrpoTrainer.of(rl).rewardModel(freshEnsemble()).runFolder(files.rl())
        .train(start(), reference, prompts)) {
      Path tmp = files.building(files.policy());
      LoopFiles.deleteTree(tmp);
      r.model().save(tmp);
      LoopFiles.publishFolder(tmp, files.policy());
    }
    // The policy is in policy/; the run's checkpoints and its copy of the final model only take disk space.
    LoopFiles.deleteTree(files.rl().resolve("checkpoints"));
    LoopFiles.deleteTree(files.rl().resolve("final"));
  }

  // h: every M iterations but the last, the SFT model is fine-tuned on fresh demonstrations; the loop takes the new
  // one as the reference and forgetting baseline from the next iteration on (AlignmentLoop.run loads iter-K/sft)
  private void refreshSft(ObjectNode metrics) throws IOException {
    int every = config.sftEvery();
    if (every == 0 || k % every != 0 || k == config.iterations()) {
      return;
    }
    int refresh = k / every;
    if (!Files.exists(files.sft())) {
      List<Demonstration> demos = loop.demonstrationSource().next(refresh);
      if (demos.isEmpty()) {
        throw new IllegalArgumentException("SFT refresh " + refresh + " (after iteration " + k + "): the"
            + " demonstration source gave no demonstration");
      }
      SftConfig c = config.sft().toBuilder().seed(AlignmentLoop.seed(config.sft().training().seed(), k, 5)).build();
      LOG.info("loop iteration {}: SFT refresh {} on {} demonstrations", k, refresh, demos.size());
      try (TrainingResult<AlignModel> r = SftTrainer.of(c).runFolder(files.sftTrain())
          .train(sft, demos, loop.heldOutDemonstrations())) {
        Path tmp = files.building(files.sft());
        LoopFiles.deleteTree(tmp);
        r.model().save(tmp);
        LoopFiles.publishFolder(tmp, files.sft());
      }
      LoopFiles.deleteTree(files.sftTrain());     // the model is in sft/; its checkpoints are spent
    }
    metrics.put("sft/refreshed", refresh);
    if (!loop.heldOutDemonstrations().isEmpty()) {
      try (AlignModel refreshed = AlignModel.load(files.sft())) {
        metrics.put("sft/heldout_loss", HeldOutLoss.of(refreshed, loop.heldOutDemonstrations(), 64));
      }
    }
  }

  private AlignModel start() throws IOException {
    if (start == null) {
      start = policyPath == null ? sft : AlignModel.load(policyPath);
    }
    return start;
  }

  private RewardEnsemble oldEnsemble() throws IOException {
    if (old == null) {
      old = rmPath == null ? initial : IterationFiles.readEnsemble(rmPath, config.conservative());
    }
    return old;
  }

  private RewardEnsemble freshEnsemble() throws IOException {
    if (fresh == null) {
      fresh = IterationFiles.readEnsemble(files.rm(), config.conservative());
    }
    return fresh;
  }

  @Override
  public void close() {
    if (start != null && start != sft) {
      start.close();
    }
    if (old != null && old != initial) {
      old.close();
    }
    if (fresh != null) {
      fresh.close();
    }
  }

  static Map<String, Candidate> byId(List<Candidate> candidates) {
    Map<String, Candidate> m = new HashMap<>();
    candidates.forEach(c -> m.put(c.id(), c));
    return m;
  }
}
