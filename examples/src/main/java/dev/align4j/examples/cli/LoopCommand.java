package dev.align4j.examples.cli;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.cai.ChatJudge;
import dev.align4j.core.cai.ComparisonTemplate;
import dev.align4j.core.cai.ConstitutionFiles;
import dev.align4j.core.cai.ConstitutionalLabeller;
import dev.align4j.core.data.DataFiles;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.loop.Acquisition;
import dev.align4j.core.loop.AlignmentLoop;
import dev.align4j.core.loop.Conservative;
import dev.align4j.core.loop.DemonstrationSource;
import dev.align4j.core.loop.LoopConfig;
import dev.align4j.core.loop.LoopLabeller;
import dev.align4j.core.loop.LoopOutcome;
import dev.align4j.core.loop.Pairing;
import dev.align4j.core.loop.PromptSource;
import dev.align4j.core.loop.ReferencePolicy;
import dev.align4j.core.loop.RewardEnsemble;
import dev.align4j.core.loop.RewardRefresh;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.task.TaskConfig;
import dev.align4j.core.task.TaskWorld;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code align loop}: the alignment loop ({@link AlignmentLoop}) over a model folder, a reward-model folder and a
 * prompt file. Exit status 0 when every iteration finished, 3 when people must label first (stderr says which file
 * to fill and the command to rerun; stdout stays empty), 2 for bad input.
 */
@Command(name = "loop", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The alignment loop: each iteration samples --samples-per-prompt completions of fresh prompts, "
        + "picks --labels-per-iteration pairs the reward model handles worst, has them labelled, refreshes the "
        + "reward model on them (plus a replay of earlier labels) and runs a GRPO pass against it.",
        "Writes OUT/iter-K/ (one file per finished step), OUT/loop_metrics.jsonl and OUT/loop_state.json; a rerun "
            + "resumes at the first unfinished step. With --labeller human it stops with exit status 3 until "
            + "OUT/iter-K/labels.jsonl is written."})
final class LoopCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ModelOptions model;

  @Mixin
  RlOptions rl;

  @Option(names = "--labeller", required = true, description = "human (files in OUT/iter-K), world (the built-in "
      + "task's simulated labellers; built-in task prompts only) or constitutional (--constitution and a judge).")
  String labeller;

  @Option(names = "--constitution", paramLabel = "FILE", description = "With --labeller constitutional: the "
      + "constitution (align4j JSON/YAML, llm-swarm or Anthropic format).")
  Path constitution;

  @Option(names = "--judge-model", paramLabel = "DIR", description = "Local chat checkpoint that judges.")
  Path judgeModel;

  @Option(names = "--judge-endpoint", paramLabel = "URL", description = "OpenAI-compatible base URL of the judge "
      + "instead of --judge-model.")
  URI judgeEndpoint;

  @Option(names = "--judge-endpoint-model", paramLabel = "NAME", description = "The model name the endpoint serves.")
  String judgeEndpointModel;

  @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the endpoint's "
      + "API key; the key is never written anywhere.")
  String apiKeyEnv;

  @Option(names = "--iterations", description = "Loop iterations (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--labels-per-iteration", description = "Pairs labelled per iteration (default: "
      + "${DEFAULT-VALUE}).")
  int labelsPerIteration;

  @Option(names = "--prompts-per-iteration", description = "Fresh prompts per iteration, disjoint slices of "
      + "--prompts (default: ${DEFAULT-VALUE}).")
  int promptsPerIteration;

  @Option(names = "--samples-per-prompt", description = "Completions per prompt, >= 2 (default: ${DEFAULT-VALUE}).")
  int samplesPerPrompt;

  @Option(names = "--pairing", description = "all or adjacent pairs of a prompt's samples (default: "
      + "${DEFAULT-VALUE}).")
  String pairing;

  @Option(names = "--acquisition", description = "uncertainty, disagreement or random (default: ${DEFAULT-VALUE}).")
  String acquisition;

  @Option(names = "--ensemble", description = "Reward-model members K; K > 1 starts from K copies of "
      + "--reward-model that bootstrap refreshes make differ (default: ${DEFAULT-VALUE}).")
  int ensemble;

  @Option(names = "--conservative", description = "mean, worst or mean-std:L (default: ${DEFAULT-VALUE}).")
  String conservative;

  @Option(names = "--refresh", description = "fine-tune (the latest reward model on new plus replayed labels) or "
      + "retrain (from --model on every label) (default: ${DEFAULT-VALUE}).")
  String refresh;

  @Option(names = "--replay", arity = "1", paramLabel = "true|false", description = "A fine-tune also sees earlier "
      + "iterations' labels (default: ${DEFAULT-VALUE}).")
  boolean replay;

  @Option(names = "--reference", description = "sft or previous: the KL reference of each RL pass (default: "
      + "${DEFAULT-VALUE}).")
  String reference;

  @Option(names = "--sft-every", description = "Refresh SFT every M iterations (after M, 2M, ... but the last) on "
      + "fresh demonstrations from --sft-demos; the refreshed model is the reference from the next iteration on; 0 "
      + "never (default: ${DEFAULT-VALUE}).")
  int sftEvery;

  @Option(names = "--sft-demos", paramLabel = "FILE", description = "Demonstrations (TRL format) for the SFT "
      + "refreshes, consecutive slices of --sft-demos-per-refresh each.")
  Path sftDemos;

  @Option(names = "--sft-demos-per-refresh", paramLabel = "N", description = "Demonstrations per SFT refresh "
      + "(default: the file's lines divided evenly among the refreshes).")
  Integer sftDemosPerRefresh;

  @Option(names = "--sft-learning-rate", description = "SFT refresh learning rate (default: ${DEFAULT-VALUE}).")
  double sftLearningRate;

  @Option(names = "--sft-epochs", description = "SFT refresh epochs (default: ${DEFAULT-VALUE}).")
  int sftEpochs;

  @Option(names = "--sft-batch-size", description = "SFT refresh batch size (default: ${DEFAULT-VALUE}).")
  int sftBatchSize;

  @Option(names = "--sft-max-length", description = "SFT refresh max tokens per example (default: "
      + "${DEFAULT-VALUE}).")
  int sftMaxLength;

  @Option(names = "--staleness-margin", description = "Alarm when fresh accuracy < held-out accuracy - margin "
      + "(default: ${DEFAULT-VALUE}).")
  double stalenessMargin;

  @Option(names = "--regression-floor", description = "Keep the previous policy when the new one's gold win-rate "
      + "against it is below this; needs a gold judge (default: ${DEFAULT-VALUE}).")
  double regressionFloor;

  @Option(names = "--heldout-pairs", paramLabel = "FILE", description = "Held-out preference pairs (TRL format): "
      + "held-out reward-model accuracy and the staleness alarm.")
  Path heldOutPairs;

  @Option(names = "--heldout-demos", paramLabel = "FILE", description = "Held-out demonstrations (TRL format): SFT "
      + "held-out loss drift.")
  Path heldOutDemos;

  @Option(names = "--beta", description = "KL coefficient of the RL passes (default: ${DEFAULT-VALUE}).")
  double beta;

  @Option(names = "--num-generations", description = "GRPO completions per prompt (default: ${DEFAULT-VALUE}).")
  int numGenerations;

  @Option(names = "--num-iterations", description = "GRPO updates per batch (default: ${DEFAULT-VALUE}).")
  int numIterations;

  @Option(names = "--num-mini-batches", description = "GRPO optimizer steps per pass (default: ${DEFAULT-VALUE}).")
  int numMiniBatches;

  @Option(names = "--rm-learning-rate", description = "Reward refresh learning rate (default: ${DEFAULT-VALUE}).")
  double rmLearningRate;

  @Option(names = "--rm-epochs", description = "Reward refresh epochs (default: ${DEFAULT-VALUE}).")
  int rmEpochs;

  @Option(names = "--rm-batch-size", description = "Reward refresh batch size (default: ${DEFAULT-VALUE}).")
  int rmBatchSize;

  @Option(names = "--rm-max-length", description = "Reward refresh max tokens of prompt plus completion "
      + "(default: ${DEFAULT-VALUE}).")
  int rmMaxLength;

  @Option(names = "--rm-save-steps", description = "Reward refresh checkpoint every N steps, so a killed refresh "
      + "resumes (default: ${DEFAULT-VALUE}).")
  int rmSaveSteps;

  @Mixin
  RunOptions runOptions;

  @Override
  public Integer call() throws Exception {
    if (rl.rewardModel == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "align loop needs --reward-model DIR (the reward "
          + "model of the first iteration, from align rm)");
    }
    if (!rl.rewards.isEmpty() || !rl.rewardWeights.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "align loop rewards the policy with the refreshed "
          + "reward model only; --reward and --reward-weights are not supported");
    }
    LoopConfig config = config();
    List<Prompt> prompts = rl.promptData();
    long needed = (long) config.iterations() * config.promptsPerIteration();
    if (prompts.size() < needed) {
      throw new IllegalArgumentException("--prompts " + rl.prompts + " has " + prompts.size() + " prompts; "
          + config.iterations() + " iterations of " + config.promptsPerIteration() + " fresh prompts need " + needed
          + " (lower --iterations or --prompts-per-iteration, or give more prompts)");
    }
    if (runOptions.overwrite) {
      deleteContents(runOptions.out);
    }
    AlignmentLoop loop = AlignmentLoop.of(config).prompts(PromptSource.slices(prompts));
    if (heldOutPairs != null) {
      loop = loop.heldOutPairs(DataFiles.preferences(heldOutPairs, DataFiles.Dedup.KEEP).examples());
    }
    if (heldOutDemos != null) {
      List<Demonstration> demos = DataFiles.demonstrations(heldOutDemos, DataFiles.Dedup.KEEP).examples();
      loop = loop.heldOutDemonstrations(demos);
    }
    if (config.sftEvery() > 0) {
      loop = loop.demonstrations(sftDemonstrations(config));
    } else if (sftDemos != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--sft-demos is for SFT refreshes; give "
          + "--sft-every M as well");
    }
    ChatModel judgeChat = null;
    try (AlignModel sft = model.loadModel(); RewardEnsemble initial = initialEnsemble()) {
      switch (labeller.toLowerCase(Locale.ROOT)) {
        case "human" -> loop = loop.labeller(new LoopLabeller.Human());
        case "world" -> {
          TaskWorld world = worldFor(prompts);
          loop = loop.labeller(new LoopLabeller.World(world, config.seed())).gold((p, s) ->
              world.judge(world.parse(((Text.Plain) p.prompt()).text()).orElseThrow(), s).gold() ? 1.0 : 0.0);
        }
        case "constitutional" -> {
          judgeChat = judge();
          loop = loop.labeller(new LoopLabeller.Constitutional(ConstitutionalLabeller.of(
              ConstitutionFiles.load(constitution), new ChatJudge(judgeChat, ComparisonTemplate.defaults(), 20,
                  ChatOptions.greedy(256)), ConstitutionalLabeller.Settings.builder().seed(config.seed()).build())));
        }
        default -> throw new CommandLine.ParameterException(spec.commandLine(), "--labeller must be human, world or "
            + "constitutional, got " + labeller);
      }
      LoopOutcome outcome = loop.run(sft, initial, runOptions.out);
      if (outcome instanceof LoopOutcome.LabelsNeeded n) {
        System.err.printf(Locale.ROOT, "loop: iteration %d needs %d labels.%n  Pairs: %s%n  Write %s with one line "
            + "per pair: {\"id\": ..., \"label\": 0 or 1} (the index of the better completion) or {\"id\": ..., "
            + "\"p\": x} (the probability that completion 0 is better).%n  Then rerun: align loop %s%n",
            n.iteration(), n.pairs(), n.toLabel(), n.labels(), rerun());
        return Align.LABELS_NEEDED;
      }
      LoopOutcome.Finished f = (LoopOutcome.Finished) outcome;
      System.err.printf(Locale.ROOT, "loop: %d iterations finished; policy %s, reward model %s, metrics %s%n",
          f.metrics().size(), f.policy().map(Path::toString).orElse(model.model + " (every new policy was refused)"),
          f.rewardModel(), runOptions.out.resolve("loop_metrics.jsonl"));
      return 0;
    } finally {
      if (judgeChat != null) {
        judgeChat.close();
      }
    }
  }

  /** The SFT refreshes' demonstrations: consecutive slices of {@code --sft-demos}. */
  private DemonstrationSource sftDemonstrations(LoopConfig config) throws IOException {
    if (sftDemos == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--sft-every " + config.sftEvery() + " refreshes "
          + "SFT on fresh demonstrations: give them with --sft-demos FILE");
    }
    int refreshes = (config.iterations() - 1) / config.sftEvery();
    if (refreshes == 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--sft-every " + config.sftEvery() + " with "
          + config.iterations() + " iterations never refreshes (none after the last iteration); lower --sft-every"
          + " or raise --iterations");
    }
    List<Demonstration> pool = DataFiles.demonstrations(sftDemos, DataFiles.Dedup.KEEP).examples();
    int per = sftDemosPerRefresh != null ? sftDemosPerRefresh : pool.size() / refreshes;
    if (per < 1 || (long) per * refreshes > pool.size()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--sft-demos " + sftDemos + " has " + pool.size()
          + " demonstrations; " + refreshes + " refreshes of " + per + " need " + (long) per * refreshes
          + " (give more, or lower --sft-demos-per-refresh)");
    }
    return DemonstrationSource.slices(pool, per);
  }

  LoopConfig config() {
    GrpoConfig grpo = rl.applyTo(GrpoConfig.builder()).beta(beta).numGenerations(numGenerations)
        .numIterations(numIterations).numMiniBatches(numMiniBatches).build();
    RewardConfig reward = RewardConfig.builder().learningRate(rmLearningRate).epochs(rmEpochs).batchSize(rmBatchSize)
        .maxLength(rmMaxLength).saveEvery(rmSaveSteps).seed(rl.seed).threads(rl.threads).labelMode(LabelMode.SOFT).build();
    return LoopConfig.builder().iterations(iterations).promptsPerIteration(promptsPerIteration)
        .samplesPerPrompt(samplesPerPrompt).pairing(pairing(pairing)).labelsPerIteration(labelsPerIteration)
        .acquisition(Acquisition.parse(acquisition, rl.seed)).ensembleSize(ensemble)
        .conservative(Conservative.parse(conservative)).refresh(refresh(refresh)).replay(replay)
        .reward(reward).rl(grpo).reference(reference(reference)).sftEvery(sftEvery).sft(SftConfig.builder()
            .learningRate(sftLearningRate).epochs(sftEpochs).batchSize(sftBatchSize).maxLength(sftMaxLength)
            .seed(rl.seed).threads(rl.threads).build()).stalenessMargin(stalenessMargin)
        .regressionFloor(regressionFloor).seed(rl.seed).build();
  }

  private RewardEnsemble initialEnsemble() throws IOException {
    List<dev.align4j.core.AlignRewardModel> members = new ArrayList<>();
    AlignRewardModel first = rl.loadRewardModel();
    members.add(first);
    for (int i = 1; i < ensemble; i++) {
      members.add(first.copy());
    }
    return RewardEnsemble.of(members, Conservative.parse(conservative));
  }

  /** The built-in world, when every prompt is one of its instructions; else a message saying which is not. */
  private TaskWorld worldFor(List<Prompt> prompts) {
    TaskWorld world = new TaskWorld(TaskConfig.defaults());
    for (int i = 0; i < prompts.size(); i++) {
      Text p = prompts.get(i).prompt();
      if (!(p instanceof Text.Plain plain) || world.parse(plain.text()).isEmpty()) {
        throw new IllegalArgumentException("--labeller world labels only the built-in task's prompts (such as "
            + "'reverse: abcd'); " + rl.prompts + " line " + (i + 1) + " is not one; use --labeller human or "
            + "constitutional for your own prompts");
      }
    }
    return world;
  }

  private ChatModel judge() throws IOException {
    if (constitution == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--labeller constitutional needs --constitution "
          + "FILE and --judge-model DIR or --judge-endpoint URL");
    }
    ChatModelChoice choice = new ChatModelChoice(judgeModel, judgeEndpoint, judgeEndpointModel, apiKeyEnv, null, null,
        new String[] {"--judge-model", "--judge-endpoint", "--judge-endpoint-model"});
    return choice.open(spec, runOptions.out.resolve("chat-cache.jsonl"));
  }

  /** The command line as given, to rerun. */
  private String rerun() {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    StringBuilder b = new StringBuilder();
    for (String a : args) {
      if (a.equals("--overwrite")) {
        continue;                  // the rerun must keep what this run wrote
      }
      b.append(b.length() == 0 ? "" : " ").append(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'",
          "'\\''") + "'");
    }
    return b.toString();
  }

  private static Pairing pairing(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "all" -> Pairing.ALL;
      case "adjacent" -> Pairing.ADJACENT;
      default -> throw new IllegalArgumentException("--pairing must be all or adjacent, got " + s);
    };
  }

  private static RewardRefresh refresh(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "fine-tune" -> RewardRefresh.FINE_TUNE;
      case "retrain" -> RewardRefresh.RETRAIN;
      default -> throw new IllegalArgumentException("--refresh must be fine-tune or retrain, got " + s);
    };
  }

  private static ReferencePolicy reference(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "sft" -> ReferencePolicy.SFT;
      case "previous" -> ReferencePolicy.PREVIOUS;
      default -> throw new IllegalArgumentException("--reference must be sft or previous, got " + s);
    };
  }

  private static void deleteContents(Path dir) throws IOException {
    if (!java.nio.file.Files.isDirectory(dir)) {
      return;
    }
    try (var s = java.nio.file.Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir)) {
          java.nio.file.Files.delete(p);
        }
      }
    }
  }
}
