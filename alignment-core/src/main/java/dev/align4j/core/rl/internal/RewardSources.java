package dev.align4j.core.rl.internal;

import static com.google.common.base.Preconditions.checkArgument;

import dev.align4j.api.RewardFunction;
import dev.align4j.api.RewardModel;
import dev.align4j.api.data.CompletionSample;
import java.util.ArrayList;
import java.util.List;

/**
 * The rewards of an RL run: any number of reward models and reward functions, each with a weight. The total score
 * of a completion is the weighted sum; GRPO can also aggregate the per-source rewards itself.
 */
public final class RewardSources {
  /** One named source. */
  public record Source(String name, RewardModel model, RewardFunction function, double weight) {
    public Source {
      checkArgument((model == null) != (function == null), "a source is a reward model or a function");
      checkArgument(Double.isFinite(weight), "reward weight of %s must be finite, got %s", name, weight);
    }

    double[] score(List<CompletionSample> samples) {
      if (model != null) {
        return model.score(samples);
      }
      double[] out = new double[samples.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = function.reward(samples.get(i));
      }
      return out;
    }
  }

  private final List<Source> sources;

  public RewardSources(List<Source> sources) {
    checkArgument(!sources.isEmpty(), "an RL run needs a reward: add a reward model and/or a reward function"
        + " (rewardModel(...), rewardFunction(...); on the command line --reward-model DIR and/or --reward NAME)");
    this.sources = List.copyOf(sources);
  }

  /** The sources in order. */
  public List<Source> sources() {
    return sources;
  }

  /**
   * Every source's reward of every sample, {@code [samples][sources]}.
   *
   * @throws IllegalArgumentException when a source returns a non-finite reward (with the sample named)
   */
  public double[][] perSource(List<CompletionSample> samples) {
    double[][] out = new double[samples.size()][sources.size()];
    for (int k = 0; k < sources.size(); k++) {
      double[] s = sources.get(k).score(samples);
      for (int i = 0; i < s.length; i++) {
        if (!Double.isFinite(s[i])) {
          throw new IllegalArgumentException("reward '" + sources.get(k).name() + "' returned " + s[i]
              + " for the completion '" + samples.get(i).completion() + "' of prompt '" + samples.get(i).prompt()
              + "'; rewards must be finite");
        }
        out[i][k] = s[i];
      }
    }
    return out;
  }

  /** Weighted sums of {@link #perSource} rows. */
  public double[] total(double[][] perSource) {
    double[] out = new double[perSource.length];
    for (int i = 0; i < out.length; i++) {
      for (int k = 0; k < sources.size(); k++) {
        out[i] += sources.get(k).weight() * perSource[i][k];
      }
    }
    return out;
  }

  /** The weights, in order. */
  public float[] weights() {
    float[] w = new float[sources.size()];
    for (int k = 0; k < w.length; k++) {
      w[k] = (float) sources.get(k).weight();
    }
    return w;
  }

  /** The sources plus a reward model of that weight, named {@code reward_model} (then {@code reward_model_2}, …). */
  public static List<Source> withModel(List<Source> sources, RewardModel model, double weight) {
    checkArgument(model != null, "the reward model is null");
    long models = sources.stream().filter(s -> s.model() != null).count();
    List<Source> out = new ArrayList<>(sources);
    out.add(new Source(models == 0 ? "reward_model" : "reward_model_" + (models + 1), model, null, weight));
    return List.copyOf(out);
  }

  /** The sources plus a reward function of that weight, under its {@link RewardFunction#name()}. */
  public static List<Source> withFunction(List<Source> sources, RewardFunction function, double weight) {
    checkArgument(function != null, "the reward function is null");
    List<Source> out = new ArrayList<>(sources);
    out.add(new Source(function.name(), null, function, weight));
    return List.copyOf(out);
  }

  /** Builds the sources of the command-line options. */
  public static RewardSources of(RewardModel model, List<RewardFunction> functions, List<Double> weights) {
    List<Source> s = new ArrayList<>();
    int n = (model == null ? 0 : 1) + functions.size();
    checkArgument(weights.isEmpty() || weights.size() == n, "--reward-weights has %s values for %s rewards (the"
        + " reward model first, then each --reward in order)", weights.size(), n);
    int k = 0;
    if (model != null) {
      s.add(new Source("reward_model", model, null, weights.isEmpty() ? 1.0 : weights.get(k)));
      k++;
    }
    for (RewardFunction f : functions) {
      s.add(new Source(f.name(), null, f, weights.isEmpty() ? 1.0 : weights.get(k)));
      k++;
    }
    return new RewardSources(s);
  }
}
