package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Trains a {@link RewardEnsemble} of K members on bootstrap resamples of the labels (Coste et al. 2023's ensembles;
 * Lakshminarayanan et al. 2017's deep ensembles): member {@code i} trains on {@link #trainingPairs(List, int)} (a
 * resample with replacement of the same size, drawn with {@code new Random(seed + i)}) under the configuration with
 * seed {@code seed + i}, so members differ in data, order and initialisation noise and their disagreement says where
 * the labels leave the reward uncertain. With one member nothing is resampled: that is the plain reward model (of
 * {@code seed}; pass the configuration's seed to reproduce {@code RewardTrainer} exactly).
 *
 * <p>Immutable; {@link #runFolder} returns a new trainer. Members train one after another, each as one
 * {@link RewardTrainer} run.
 */
public final class EnsembleTrainer {
  private final RewardConfig config;
  private final int members;
  private final long seed;
  private final Optional<Path> runFolder;

  private EnsembleTrainer(RewardConfig config, int members, long seed, Optional<Path> runFolder) {
    this.config = config;
    this.members = members;
    this.seed = seed;
    this.runFolder = runFolder;
  }

  /**
   * A trainer of {@code members} members.
   *
   * @param config each member's reward-model training (its seed is replaced by {@code seed + i})
   * @param members K, {@code >= 1}
   * @param seed member {@code i}'s resample and training seed is {@code seed + i}
   */
  public static EnsembleTrainer of(RewardConfig config, int members, long seed) {
    checkNotNull(config, "config");
    checkArgument(members >= 1, "members must be >= 1 (1 is the plain reward model), got %s", members);
    return new EnsembleTrainer(config, members, seed, Optional.empty());
  }

  /**
   * The same trainer keeping member {@code i}'s run folder at {@code dir/member-i}, overwritten
   * ({@link RunMode#OVERWRITE}: each call is a fresh run). Without it nothing is written.
   */
  public EnsembleTrainer runFolder(Path dir) {
    checkNotNull(dir, "dir");
    return new EnsembleTrainer(config, members, seed, Optional.of(dir));
  }

  /** Each member's configuration before its seed is set. */
  public RewardConfig config() {
    return config;
  }

  /** The number of members K. */
  public int members() {
    return members;
  }

  /** The base seed. */
  public long seed() {
    return seed;
  }

  /**
   * Member {@code member}'s training pairs: {@code train} itself for a one-member ensemble, else a bootstrap resample
   * (with replacement, the same size) drawn with {@code new Random(seed + member)}.
   */
  public List<PreferencePair> trainingPairs(List<PreferencePair> train, int member) {
    checkNotNull(train, "train");
    checkArgument(!train.isEmpty(), "the ensemble needs training pairs, got none");
    checkArgument(member >= 0 && member < members, "member must be in [0, %s), got %s", members, member);
    if (members == 1) {
      return List.copyOf(train);
    }
    Random r = new Random(seed + member);
    List<PreferencePair> out = new ArrayList<>(train.size());
    for (int j = 0; j < train.size(); j++) {
      out.add(train.get(r.nextInt(train.size())));
    }
    return List.copyOf(out);
  }

  /**
   * Trains K members, each from {@code sft} with a fresh zero-initialised scalar head.
   *
   * @param sft the model whose body initialises every member; unchanged
   * @param train the labels, resampled per member
   * @param heldOut evaluation pairs shared by every member; may be empty
   * @param aggregate how the ensemble scores for RL
   * @return the ensemble, owning its members
   */
  public RewardEnsemble train(AlignModel sft, List<PreferencePair> train, List<PreferencePair> heldOut,
      Conservative aggregate) throws IOException {
    return trainMeasured(sft, train, heldOut, aggregate).ensemble();
  }

  /** {@link #train(AlignModel, List, List, Conservative)}, with each member's metrics. */
  public EnsembleTraining trainMeasured(AlignModel sft, List<PreferencePair> train, List<PreferencePair> heldOut,
      Conservative aggregate) throws IOException {
    checkNotNull(sft, "sft");
    checkNotNull(heldOut, "heldOut");
    checkNotNull(aggregate, "aggregate");
    return fit(i -> trainer(i).train(sft, trainingPairs(train, i), heldOut), aggregate);
  }

  /**
   * Fine-tunes each member of {@code current} further, member {@code i} on its own resample of {@code train} (the
   * reward-model refresh of an alignment loop). {@code current} is unchanged and stays the caller's to close; the
   * result is a new ensemble of new members under {@code current}'s aggregate. Vary {@code seed} between refreshes
   * (for example by iteration) to draw other resamples.
   *
   * @param current an open ensemble of exactly {@link #members()} members
   * @param train the labels, resampled per member
   * @param heldOut evaluation pairs shared by every member; may be empty
   */
  public RewardEnsemble refresh(RewardEnsemble current, List<PreferencePair> train, List<PreferencePair> heldOut)
      throws IOException {
    return refreshMeasured(current, train, heldOut).ensemble();
  }

  /** {@link #refresh}, with each member's metrics. */
  public EnsembleTraining refreshMeasured(RewardEnsemble current, List<PreferencePair> train,
      List<PreferencePair> heldOut) throws IOException {
    checkNotNull(current, "current");
    checkNotNull(heldOut, "heldOut");
    checkArgument(current.size() == members, "this trainer refreshes %s members but the ensemble has %s (make the "
        + "trainer with EnsembleTrainer.of(config, %s, seed))", members, current.size(), current.size());
    List<AlignRewardModel> start = current.members();
    return fit(i -> trainer(i).train(start.get(i), trainingPairs(train, i), heldOut), current.aggregate());
  }

  /** One member's run. */
  private interface MemberRun {
    TrainingResult<AlignRewardModel> run(int member) throws IOException;
  }

  /**
   * Runs every member and hands their models to a new ensemble. A result owns its model; here the model is taken out
   * and the result dropped unclosed, so the ensemble becomes the model's only owner. When a member fails, the members
   * trained so far are closed before the failure is rethrown.
   */
  private EnsembleTraining fit(MemberRun run, Conservative aggregate) throws IOException {
    List<AlignRewardModel> done = new ArrayList<>();
    List<Map<String, Double>> metrics = new ArrayList<>();
    try {
      for (int i = 0; i < members; i++) {
        TrainingResult<AlignRewardModel> r = run.run(i);
        done.add(r.model());
        metrics.add(r.metrics());
      }
    } catch (IOException | RuntimeException | Error e) {
      for (AlignRewardModel m : done) {
        try {
          m.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return new EnsembleTraining(RewardEnsemble.of(done, aggregate), metrics);
  }

  private RewardTrainer trainer(int member) {
    RewardTrainer t = RewardTrainer.of(config.toBuilder().seed(seed + member).build());
    return runFolder.isPresent() ? t.runFolder(runFolder.get().resolve("member-" + member), RunMode.OVERWRITE) : t;
  }
}
