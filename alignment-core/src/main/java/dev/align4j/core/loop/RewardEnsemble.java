package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.align4j.api.RewardModel;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.core.AlignRewardModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * K reward models scoring together (Coste et al. 2023's ensembles): a {@link RewardModel} whose score is a
 * {@link Conservative} aggregate of the members' scores, and the per-member scores an {@link Acquisition} reads
 * disagreement from. Holds the members' native memory: close it.
 *
 * <p>Ownership: {@link #of} takes the members; {@link #withAggregate} returns a view sharing them, so closing either
 * closes the members for both (close one of them, once you are done with both).
 */
public final class RewardEnsemble implements RewardModel, AutoCloseable {
  private final Members members;
  private final Conservative aggregate;

  private RewardEnsemble(Members members, Conservative aggregate) {
    this.members = members;
    this.aggregate = aggregate;
  }

  /**
   * An ensemble owning {@code members}.
   *
   * @param members at least one model, no null, no model twice (the ensemble closes each once, and a repeated member
   *     would count its vote twice)
   * @param aggregate how member scores combine in {@link #score}
   * @return the ensemble; closing it closes the members
   */
  public static RewardEnsemble of(List<AlignRewardModel> members, Conservative aggregate) {
    checkNotNull(members, "members");
    checkNotNull(aggregate, "aggregate");
    checkArgument(!members.isEmpty(), "an ensemble needs at least one member, got none");
    Set<AlignRewardModel> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < members.size(); i++) {
      AlignRewardModel m = checkNotNull(members.get(i), "member %s is null", i);
      checkArgument(seen.add(m), "member %s (%s) is already in the ensemble: pass independent models (copy() one)", i,
          m);
    }
    return new RewardEnsemble(new Members(List.copyOf(members)), aggregate);
  }

  /**
   * The members a loop saved in {@code folder} ({@code member-0}, {@code member-1}, …, as in {@code OUT/iter-K/rm}).
   *
   * @param folder the members' parent folder
   * @param aggregate how member scores combine
   * @return the ensemble, owning the loaded members
   * @throws IOException when a member cannot be read, or the folder holds none
   */
  public static RewardEnsemble load(Path folder, Conservative aggregate) throws IOException {
    List<AlignRewardModel> members = new ArrayList<>();
    try {
      for (int i = 0; Files.isDirectory(folder.resolve("member-" + i)); i++) {
        members.add(AlignRewardModel.load(folder.resolve("member-" + i)));
      }
    } catch (IOException | RuntimeException e) {
      members.forEach(AlignRewardModel::close);
      throw e;
    }
    if (members.isEmpty()) {
      throw new IOException(folder + " holds no reward-model member (member-0/); the loop folder is damaged:"
          + " delete " + folder + " and rerun to redo the refresh");
    }
    return of(members, aggregate);
  }

  /** The members, in order (still owned by the ensemble: do not close them). */
  public List<AlignRewardModel> members() {
    return members.models;
  }

  /** The number of members K. */
  public int size() {
    return members.models.size();
  }

  /** How member scores combine in {@link #score}. */
  public Conservative aggregate() {
    return aggregate;
  }

  /**
   * The same members under another aggregate. The two ensembles share the members: closing either closes them.
   *
   * @param a the new aggregate
   * @return a view of the same members
   */
  public RewardEnsemble withAggregate(Conservative a) {
    checkNotNull(a, "aggregate");
    members.open();
    return new RewardEnsemble(members, a);
  }

  /**
   * Every member's scores.
   *
   * @param samples the completions to score
   * @return {@code [member][sample]}, shape {@code (K, N)}
   */
  public double[][] memberScores(List<CompletionSample> samples) {
    checkNotNull(samples, "samples");
    members.open();
    double[][] out = new double[members.models.size()][];
    for (int k = 0; k < out.length; k++) {
      out[k] = members.models.get(k).score(samples);
    }
    return out;
  }

  /** Each sample's aggregate over the members' scores, in order. */
  @Override
  public double[] score(List<CompletionSample> samples) {
    double[][] s = memberScores(samples);                                   // (K, N)
    double[] out = new double[samples.size()];
    double[] column = new double[s.length];
    for (int i = 0; i < out.length; i++) {
      for (int k = 0; k < s.length; k++) {
        column[k] = s[k][i];
      }
      out[i] = aggregate.aggregate(column);
    }
    return out;
  }

  /** Closes every member (of this ensemble and of any view sharing them); closing again does nothing. */
  @Override
  public void close() {
    members.close();
  }

  @Override
  public String toString() {
    return "RewardEnsemble[" + members.models.size() + " members, " + aggregate.name() + "]";
  }

  /** The members and whether they have been closed, shared by an ensemble and its {@link #withAggregate} views. */
  private static final class Members {
    private final List<AlignRewardModel> models;
    private boolean closed;

    Members(List<AlignRewardModel> models) {
      this.models = models;
    }

    void open() {
      checkState(!closed, "this RewardEnsemble is closed (its %s members were freed)", models.size());
    }

    /** Closes each member even when an earlier one fails, then throws the first failure. */
    void close() {
      if (closed) {
        return;
      }
      closed = true;
      RuntimeException first = null;
      for (AlignRewardModel m : models) {
        try {
          m.close();
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
