package dev.align4j.core.loop;

import dev.align4j.api.RewardModel;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.core.AlignRewardModel;
import java.util.List;

/** TEMP stand-in for the acquisition branch. */
public final class RewardEnsemble implements RewardModel, AutoCloseable {
  private final List<AlignRewardModel> members;
  private final Conservative conservative;

  private RewardEnsemble(List<AlignRewardModel> members, Conservative conservative) {
    this.members = List.copyOf(members);
    this.conservative = conservative;
  }

  /** An ensemble owning {@code members}. */
  public static RewardEnsemble of(List<AlignRewardModel> members, Conservative conservative) {
    return new RewardEnsemble(members, conservative);
  }

  /** The members. */
  public List<AlignRewardModel> members() {
    return members;
  }

  /** [member][sample]. */
  public double[][] memberScores(List<CompletionSample> samples) {
    double[][] out = new double[members.size()][];
    for (int m = 0; m < members.size(); m++) {
      out[m] = members.get(m).score(samples);
    }
    return out;
  }

  @Override
  public double[] score(List<CompletionSample> samples) {
    double[][] s = memberScores(samples);
    double[] out = new double[samples.size()];
    for (int i = 0; i < out.length; i++) {
      double[] col = new double[s.length];
      for (int m = 0; m < s.length; m++) {
        col[m] = s[m][i];
      }
      out[i] = conservative.aggregate(col);
    }
    return out;
  }

  Conservative conservative() {
    return conservative;
  }

  @Override
  public void close() {
    members.forEach(AlignRewardModel::close);
  }
}
