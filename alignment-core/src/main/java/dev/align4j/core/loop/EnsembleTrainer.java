package dev.align4j.core.loop;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** TEMP stand-in for the acquisition branch. */
public final class EnsembleTrainer {
  private final RewardConfig config;
  private final int members;
  private final long seed;
  private final Path folder;

  private EnsembleTrainer(RewardConfig config, int members, long seed, Path folder) {
    this.config = config;
    this.members = members;
    this.seed = seed;
    this.folder = folder;
  }

  /** A trainer of {@code members} bootstrap members. */
  public static EnsembleTrainer of(RewardConfig config, int members, long seed) {
    return new EnsembleTrainer(config, members, seed, null);
  }

  /** Keeps run folders member-i under {@code root}. */
  public EnsembleTrainer runFolder(Path root) {
    return new EnsembleTrainer(config, members, seed, root);
  }

  /** Trains members from the SFT policy. */
  public RewardEnsemble train(AlignModel sft, List<PreferencePair> train, List<PreferencePair> heldOut,
      Conservative conservative) throws IOException {
    List<AlignRewardModel> out = new ArrayList<>();
    for (int m = 0; m < members; m++) {
      try (TrainingResult<AlignRewardModel> r = trainer(m).train(sft, resample(train, m), heldOut)) {
        out.add(r.model().copy());
      }
    }
    return RewardEnsemble.of(out, conservative);
  }

  /** Fine-tunes each member of {@code current}. */
  public RewardEnsemble refresh(RewardEnsemble current, List<PreferencePair> train, List<PreferencePair> heldOut)
      throws IOException {
    List<AlignRewardModel> out = new ArrayList<>();
    for (int m = 0; m < current.members().size(); m++) {
      try (TrainingResult<AlignRewardModel> r = trainer(m).train(current.members().get(m), resample(train, m),
          heldOut)) {
        out.add(r.model().copy());
      }
    }
    return RewardEnsemble.of(out, current.conservative());
  }

  private RewardTrainer trainer(int m) {
    RewardConfig c = config.toBuilder().seed(config.training().seed() + m).build();
    RewardTrainer t = RewardTrainer.of(c);
    return folder == null ? t : t.runFolder(folder.resolve("member-" + m));
  }

  private List<PreferencePair> resample(List<PreferencePair> train, int m) {
    if (members == 1) {
      return train;
    }
    Random r = new Random(seed * 31 + m);
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      out.add(train.get(r.nextInt(train.size())));
    }
    return out;
  }
}
