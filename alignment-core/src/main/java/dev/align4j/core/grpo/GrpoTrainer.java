package dev.align4j.core.grpo;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.RewardFunction;
import dev.align4j.api.RewardModel;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.internal.OnlineRun;
import dev.align4j.core.rl.internal.RewardSources;
import dev.align4j.core.rl.internal.Rollouts;
import dev.align4j.core.run.Checkpoints;
import dev.align4j.core.runtime.DjlSetup;
import dev.align4j.core.train.Trainer;
import dev.align4j.core.train.TrainerSettings;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.core.train.internal.AdamW;
import dev.align4j.core.train.internal.ConfigJson;
import dev.align4j.core.train.internal.GradientStep;
import dev.align4j.core.train.internal.LossAndMetrics;
import dev.align4j.core.train.internal.MicroBatch;
import dev.align4j.core.train.internal.ObjectiveMetrics;
import dev.align4j.core.train.internal.Policies;
import dev.align4j.core.train.internal.RunContext;
import dev.align4j.core.train.internal.StepResult;
import dev.align4j.core.train.internal.TrainingCheckpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * GRPO, one iteration at a time:
 * <pre>
 * sample G completions per prompt → rewards (per source) → group advantages     (kernel grpo_advantages)
 * → num-iterations × mini-batches of the GRPO loss (k3 KL to the reference when β > 0)
 * </pre>
 * The policy handed in is the reference (used only when β > 0, never changed); the result holds the trained copy.
 * Groups whose rewards are all equal carry no learning signal; their share is reported as
 * {@code reward/frac_zero_std}.
 *
 * <pre>{@code
 * TrainingResult<AlignModel> r = GrpoTrainer.of(GrpoConfig.builder().numGenerations(8).beta(0.04).build())
 *     .rewardModel(rm).rewardFunction(sample -> sample.completion().contains("Answer:") ? 0.2 : 0.0)
 *     .train(sft, prompts);
 * }</pre>
 */
public final class GrpoTrainer extends Trainer<GrpoTrainer> {
  private final GrpoConfig config;
  private final Objective<GrpoBatch> objective;
  private final List<RewardSources.Source> rewards;

  private GrpoTrainer(GrpoConfig config, Objective<GrpoBatch> objective, List<RewardSources.Source> rewards,
      TrainerSettings settings) {
    super(settings);
    this.config = checkNotNull(config, "config");
    this.objective = checkNotNull(objective, "objective");
    this.rewards = List.copyOf(rewards);
  }

  /** A trainer of {@code config} with the built-in {@link GrpoObjective} of its loss type and no reward yet. */
  public static GrpoTrainer of(GrpoConfig config) {
    return new GrpoTrainer(config, config.objective(), List.of(), TrainerSettings.defaults());
  }

  /** The configuration. */
  public GrpoConfig config() {
    return config;
  }

  /** The same trainer with a user objective over log-probs, old and reference log-probs and advantages. */
  public GrpoTrainer objective(Objective<GrpoBatch> newObjective) {
    return new GrpoTrainer(config, newObjective, rewards, settings());
  }

  /** Adds a reward model with weight 1. */
  public GrpoTrainer rewardModel(RewardModel model) {
    return rewardModel(model, 1.0);
  }

  /** Adds a reward model with a weight. */
  public GrpoTrainer rewardModel(RewardModel model, double weight) {
    return new GrpoTrainer(config, objective, RewardSources.withModel(rewards, model, weight), settings());
  }

  /** Adds a reward function (a verifier, a format check) with weight 1. */
  public GrpoTrainer rewardFunction(RewardFunction function) {
    return rewardFunction(function, 1.0);
  }

  /** Adds a reward function with a weight. */
  public GrpoTrainer rewardFunction(RewardFunction function, double weight) {
    return new GrpoTrainer(config, objective, RewardSources.withFunction(rewards, function, weight), settings());
  }

  @Override
  protected GrpoTrainer withSettings(TrainerSettings newSettings) {
    return new GrpoTrainer(config, objective, rewards, newSettings);
  }

  /** Trains a copy of {@code reference} on {@code prompts} against the added rewards. */
  public <P extends TrainablePolicy> TrainingResult<P> train(P reference, List<Prompt> prompts) throws IOException {
    return train(reference, reference, prompts);
  }

  /**
   * Trains a copy of {@code start} on {@code prompts} against the added rewards, leashed to {@code reference}: how an
   * RL pass continues an earlier policy while the KL term still measures the distance to the SFT model (the
   * alignment loop's iterations). Neither argument is changed.
   */
  public <P extends TrainablePolicy> TrainingResult<P> train(P start, P reference, List<Prompt> prompts)
      throws IOException {
    RlArgs rl = config.rl();
    RewardSources sources = new RewardSources(rewards);
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("GRPO needs at least one prompt, got none");
    }
    try (RunContext run = RunContext.open("grpo", config.toMap(), settings(), rl.threads());
        NDManager optimizerManager = DjlSetup.newManager()) {
      OnlineRun online = new OnlineRun("grpo", rl, run);
      P policy = Policies.startingPoint(start, run.checkpoint());
      try {
        long updatesPerIteration = (long) config.numIterations() * config.numMiniBatches();
        try (AdamW opt = new AdamW(Policies.parameters(policy), rl.optimizer(rl.maxSteps() * updatesPerIteration),
            optimizerManager)) {
          long startAfter = run.checkpoint().isPresent()
              ? TrainingCheckpoint.restore(run.checkpoint().get(), opt).get("step").asLong() : 0;
          GradientStep stepper = new GradientStep(opt, optimizerManager);
          KernelProvider kernels = KernelProviders.best();
          Map<String, Double> last = Map.of();
          TrainablePolicy ref = rl.beta() > 0 ? reference : null;     // β = 0 reads no reference
          for (long it = startAfter + 1; it <= rl.maxSteps(); it++) {
            long t0 = System.nanoTime();
            Rollouts ro = online.sample(policy, prompts, online.prompts(it, prompts.size()),
                config.numGenerations(), it);
            Map<String, Double> values = iterate(online, ro, it, (it - 1) * updatesPerIteration, policy, ref,
                sources, stepper, kernels);
            values.put("perf/tokens_per_second", ro.meanLength() * ro.size() / ((System.nanoTime() - t0) / 1e9));
            last = values;
            online.record(it, values);
            long s = it;
            Checkpoints.Writer writer = folder -> TrainingCheckpoint.write(folder, policy::writeWeights, opt, s,
                null);
            if (online.checkpointDue(it)) {
              online.checkpoint(it, writer);
            }
            online.stopIfCancelled(it, writer);
          }
          if (run.finalModel().isPresent()) {
            Policies.saveFinal(policy, run.finalModel().get(), Provenance.of("grpo", Policies.describe(start),
                "prompts (" + prompts.size() + ")", ConfigJson.of(config.toMap())));
          }
          if (last.isEmpty() && startAfter > 0) {
            last = run.loggedAt(startAfter);   // resumed from the final checkpoint: nothing ran, report what it logged
          }
          policy.setTrainable(false);
          return new TrainingResult<>(policy, rl.maxSteps(), last, Map.of(), run.history(), run.root());
        }
      } catch (IOException | RuntimeException | Error e) {
        policy.close();
        throw e;
      }
    }
  }

  private Map<String, Double> iterate(OnlineRun online, Rollouts ro, long it, long updatesBefore,
      TrainablePolicy policy, TrainablePolicy reference, RewardSources rewards, GradientStep stepper,
      KernelProvider kernels) {
    int n = ro.size();
    int r = ro.responseWidth();
    int g = config.numGenerations();
    double temperature = config.rl().temperature();
    double[][] per = rewards.perSource(ro.samples());
    double[] total = rewards.total(per);
    float[] advantages = new float[n];
    GroupAdvantageParams params = new GroupAdvantageParams(g, config.scaleRewards(), config.aggregation(),
        rewards.weights());
    float[] flat = new float[n * per[0].length];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < per[0].length; k++) {
        flat[i * per[0].length + k] = (float) per[i][k];
      }
    }
    kernels.groupAdvantages(params, flat, n, per[0].length, advantages);

    float[] old = null;
    float[] ref = null;
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = DjlSetup.newManager()) {
      // One generation spans several optimizer steps whenever μ > 1 or it is split into mini-batches: every
      // mini-batch after the first is trained on weights that moved, so it needs the rollout-time log-probs for its
      // importance ratio (TRL computes them in the same case). With one step per generation the ratio is 1 by
      // construction and the detached current log-probs serve, saving a forward pass.
      if (config.numIterations() > 1 || config.numMiniBatches() > 1) {
        old = ro.logprobs(m, policy, temperature, false)[0].toFloatArray();
        online.checkLogprobs(ro, old, it);
      }
      if (reference != null) {
        ref = ro.logprobs(m, reference, temperature, false)[0].toFloatArray();
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }

    Map<String, Double> sums = new LinkedHashMap<>();
    int updates = 0;
    Random order = new Random(config.rl().seed() * 31L + it);
    for (int iteration = 0; iteration < config.numIterations(); iteration++) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        rows.add(i);
      }
      Collections.shuffle(rows, order);
      int size = n / config.numMiniBatches();                     // GrpoConfig checks that it divides
      for (int start = 0; start < n; start += size) {
        int[] idx = rows.subList(start, start + size).stream().mapToInt(Integer::intValue).toArray();
        // Without old log-probs this is the generation's only step, taken from the sampling weights: its forward
        // pass doubles as the check that sampling-time log-probs equal training-time ones.
        OnlineRun checker = old == null ? online : null;
        StepResult s = stepper.run(updatesBefore + ++updates, List.of(miniBatch(ro, idx, old, ref, advantages,
            policy, checker, it)));
        s.metrics().forEach((k, v) -> sums.merge(k, v, Double::sum));
        sums.merge("loss/total", s.loss(), Double::sum);
        sums.merge("grad_norm", s.gradNorm(), Double::sum);
        sums.put("lr", s.learningRate());
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    double mean = 0;
    for (double v : total) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (double v : total) {
      var += (v - mean) * (v - mean);
    }
    out.put("reward/mean", mean);
    out.put("reward/std", Math.sqrt(var / Math.max(1, n - 1)));
    for (int k = 0; k < rewards.sources().size(); k++) {
      double s = 0;
      for (double[] row : per) {
        s += row[k];
      }
      out.put("reward/" + rewards.sources().get(k).name(), s / n);
    }
    int flatGroups = 0;
    for (int start = 0; start < n; start += g) {
      boolean equal = true;
      for (int i = start + 1; i < start + g; i++) {
        equal &= total[i] == total[start];
      }
      flatGroups += equal ? 1 : 0;
    }
    out.put("reward/frac_zero_std", flatGroups / (double) (n / g));
    if (ref != null) {
      // kl/reference above is the objective's per-token mean (TRL's GRPO metric); kl/sequence is the k1 estimate
      // summed over each response and averaged over the rollouts, the same quantity PPO reports, so the two compare.
      float[] sampled = old != null ? old : ro.samplingLogprobs();
      float[] mask = ro.mask();
      double seqKl = 0;
      for (int i = 0; i < sampled.length; i++) {
        seqKl += mask[i] * (sampled[i] - ref[i]);
      }
      out.put("kl/sequence", seqKl / n);
    }
    int u = updates;
    sums.forEach((k, v) -> out.put(k, k.equals("lr") ? v : v / u));
    out.put("completions/mean_length", ro.meanLength());
    out.put("completions/eos_fraction", ro.eosFraction());
    return out;
  }

  private MicroBatch miniBatch(Rollouts ro, int[] idx, float[] old, float[] ref, float[] advantages,
      TrainablePolicy policy, OnlineRun checker, long it) {
    Rollouts sel = ro.select(idx);
    int r = ro.responseWidth();
    float[] adv = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      adv[i] = advantages[idx[i]];
    }
    float[] oldSel = old == null ? null : Rollouts.rows(old, idx, r);
    float[] refSel = ref == null ? null : Rollouts.rows(ref, idx, r);
    return new MicroBatch() {
      @Override public double weight() {
        return idx.length;
      }

      @Override public LossAndMetrics compute(NDManager m) {
        Shape shape = new Shape(idx.length, r);
        NDArray[] lp = sel.logprobs(m, policy, config.rl().temperature(), true);
        NDArray mask = sel.maskArray(m);
        if (checker != null) {
          checker.checkLogprobs(sel, lp[0].stopGradient().toFloatArray(), it);
        }
        NDArray oldArr = oldSel == null ? lp[0].stopGradient() : m.create(oldSel, shape);
        Optional<NDArray> refArr = refSel == null ? Optional.empty() : Optional.of(m.create(refSel, shape));
        ObjectiveResult res = objective.compute(new GrpoBatch(lp[0], oldArr, refArr, m.create(adv), mask));
        Map<String, Double> metrics = new LinkedHashMap<>(ObjectiveMetrics.scalars(res));
        metrics.put("loss/policy", res.lossValue());
        if (res.outputs().containsKey("clip_ratio/region_mean")) {
          metrics.put("policy/clipfrac", res.metric("clip_ratio/region_mean"));
        }
        metrics.put("policy/entropy", (double) (lp[1].stopGradient().sum().getFloat()
            / Math.max(1f, mask.sum().getFloat())));
        return new LossAndMetrics(res.loss(), metrics);
      }
    };
  }

}
