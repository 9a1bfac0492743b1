package dev.align4j.core.ppo;

import static com.google.common.base.Preconditions.checkNotNull;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.RewardFunction;
import dev.align4j.api.RewardModel;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.lora.LoraPolicy;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.tokenizer.TextExampleTokenizer;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.internal.KlCoefficient;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * PPO with a value model, GAE and a KL leash to the SFT reference, one iteration at a time:
 * <pre>
 * sample completions → score (reward models and/or functions) → old log-probs, reference log-probs, values
 * → per-token rewards −β·kl (+ score on the last response token)            (kernel kl_penalized_rewards)
 * → advantages and returns                                                   (kernel gae, whitened)
 * → ppo-epochs × mini-batches of clipped policy loss + vf-coef × clipped value loss
 * </pre>
 * The policy handed in is the reference (never changed); the result holds the trained copy and the trained value
 * model. The value model starts from {@link #valueModel} if given, else from the first reward model that is an
 * {@link AlignRewardModel}, else from the policy's body with a new head. The policy and the value model share one
 * AdamW.
 */
public final class PpoTrainer extends Trainer<PpoTrainer> {
  private final PpoConfig config;
  private final Objective<PpoPolicyBatch> policyObjective;
  private final Objective<PpoValueBatch> valueObjective;
  private final List<RewardSources.Source> rewards;
  private final AlignRewardModel valueInit;

  private PpoTrainer(PpoConfig config, Objective<PpoPolicyBatch> policyObjective,
      Objective<PpoValueBatch> valueObjective, List<RewardSources.Source> rewards, AlignRewardModel valueInit,
      TrainerSettings settings) {
    super(settings);
    this.config = checkNotNull(config, "config");
    this.policyObjective = checkNotNull(policyObjective, "policyObjective");
    this.valueObjective = checkNotNull(valueObjective, "valueObjective");
    this.rewards = List.copyOf(rewards);
    this.valueInit = valueInit;
  }

  /** A trainer of {@code config} with the clipped surrogate and the clipped value loss, no reward yet. */
  public static PpoTrainer of(PpoConfig config) {
    return new PpoTrainer(config, new PpoPolicyObjective(config.clipRange()),
        new PpoValueObjective(config.clipRangeValue(), config.scorePlacement()), List.of(), null,
        TrainerSettings.defaults());
  }

  /** The configuration. */
  public PpoConfig config() {
    return config;
  }

  /** The same trainer with a user policy objective ({@link PpoPolicyBatch}: log-probs, old log-probs, advantages). */
  public PpoTrainer objective(Objective<PpoPolicyBatch> newObjective) {
    return new PpoTrainer(config, newObjective, valueObjective, rewards, valueInit, settings());
  }

  /** The same trainer with a user value objective ({@link PpoValueBatch}: values, old values, returns). */
  public PpoTrainer valueObjective(Objective<PpoValueBatch> newObjective) {
    return new PpoTrainer(config, policyObjective, newObjective, rewards, valueInit, settings());
  }

  /** Where the value model starts (it must read the policy's tokens); it is copied, not changed. */
  public PpoTrainer valueModel(AlignRewardModel init) {
    return new PpoTrainer(config, policyObjective, valueObjective, rewards, checkNotNull(init, "init"), settings());
  }

  /** Adds a reward model with weight 1. */
  public PpoTrainer rewardModel(RewardModel model) {
    return rewardModel(model, 1.0);
  }

  /** Adds a reward model with a weight. */
  public PpoTrainer rewardModel(RewardModel model, double weight) {
    return new PpoTrainer(config, policyObjective, valueObjective, RewardSources.withModel(rewards, model, weight),
        valueInit, settings());
  }

  /** Adds a reward function with weight 1. */
  public PpoTrainer rewardFunction(RewardFunction function) {
    return rewardFunction(function, 1.0);
  }

  /** Adds a reward function with a weight. */
  public PpoTrainer rewardFunction(RewardFunction function, double weight) {
    return new PpoTrainer(config, policyObjective, valueObjective,
        RewardSources.withFunction(rewards, function, weight), valueInit, settings());
  }

  @Override
  protected PpoTrainer withSettings(TrainerSettings newSettings) {
    return new PpoTrainer(config, policyObjective, valueObjective, rewards, valueInit, newSettings);
  }

  /**
   * What a PPO run produced: the policy's result and the trained value model (owned: close the result).
   *
   * @param policy the trained policy with the run's metrics
   * @param valueModel the trained value model
   * @param <P> the policy's type
   */
  public record Result<P>(TrainingResult<P> policy, AlignRewardModel valueModel) implements AutoCloseable {
    /** The trained policy. */
    public P model() {
      return policy.model();
    }

    /** The last logged metrics. */
    public Map<String, Double> metrics() {
      return policy.metrics();
    }

    @Override
    public void close() {
      try {
        policy.close();
      } finally {
        valueModel.close();
      }
    }
  }

  /** Trains a copy of {@code reference} on {@code prompts} against the added rewards. */
  public <P extends TrainablePolicy> Result<P> train(P reference, List<Prompt> prompts) throws IOException {
    RlArgs rl = config.rl();
    RewardSources sources = new RewardSources(rewards);
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("PPO needs at least one prompt, got none");
    }
    try (RunContext run = RunContext.open("ppo", config.toMap(), settings(), rl.threads());
        NDManager optimizerManager = DjlSetup.newManager()) {
      OnlineRun online = new OnlineRun("ppo", rl, run);
      AlignRewardModel value = startValue(reference, run.checkpoint());
      P policy = null;
      try {
        requireSameTokenizer(reference.tokenizer(), value);
        policy = Policies.startingPoint(reference, run.checkpoint());
        value.transformer().setTrainable(true);
        List<Parameter> params = new ArrayList<>(Policies.parameters(policy));
        params.addAll(value.transformer().parameters());
        long updatesPerIteration = (long) config.ppoEpochs() * config.numMiniBatches();
        try (AdamW opt = new AdamW(params, rl.optimizer(rl.maxSteps() * updatesPerIteration), optimizerManager)) {
          KlCoefficient beta = rl.klCoefficient();
          long startAfter = 0;
          if (run.checkpoint().isPresent()) {
            var state = TrainingCheckpoint.restore(run.checkpoint().get(), opt);
            startAfter = state.get("step").asLong();
            beta.restore(state.get("stage").get("beta").asDouble());
          }
          Iteration iteration = new Iteration(online, policy, reference, value.transformer(), sources,
              new GradientStep(opt, optimizerManager), KernelProviders.best(), beta);
          Map<String, Double> last = Map.of();
          for (long it = startAfter + 1; it <= rl.maxSteps(); it++) {
            Rollouts ro = online.sample(policy, prompts, online.prompts(it, prompts.size()), 1, it);
            last = iteration.run(ro, it, (it - 1) * updatesPerIteration);
            online.record(it, last);
            long s = it;
            P trained = policy;
            Checkpoints.Writer writer = folder -> {
              value.writeInto(folder.resolve("value"));
              TrainingCheckpoint.write(folder, trained::writeWeights, opt, s,
                  new ObjectMapper().createObjectNode().put("beta", beta.value()));
            };
            if (online.checkpointDue(it)) {
              online.checkpoint(it, writer);
            }
            online.stopIfCancelled(it, writer);
          }
          if (last.isEmpty() && startAfter > 0) {
            last = run.loggedAt(startAfter);   // resumed from the final checkpoint: nothing ran, report what it logged
          }
          policy.setTrainable(false);
          value.transformer().setTrainable(false);
          Provenance made = Provenance.of("ppo", Policies.describe(reference), "prompts (" + prompts.size() + ")",
              ConfigJson.of(config.toMap()));
          value.provenance(Provenance.of("ppo-value", value.origin(), "prompts (" + prompts.size() + ")",
              ConfigJson.of(config.toMap())));
          if (run.root().isPresent()) {
            Policies.saveFinal(policy, run.finalModel().get(), made);
            value.save(run.root().get().resolve("final-value"));
          }
          return new Result<>(new TrainingResult<>(policy, rl.maxSteps(), last, Map.of(), run.history(),
              run.root()), value);
        }
      } catch (IOException | RuntimeException | Error e) {
        if (policy != null) {
          policy.close();
        }
        value.close();
        throw e;
      }
    }
  }

  /** The value model a run trains: where it starts, or the checkpoint's value model when resuming. */
  private AlignRewardModel startValue(TrainablePolicy reference, Optional<Path> checkpoint) throws IOException {
    AlignRewardModel start = startValue(reference);
    if (checkpoint.isEmpty()) {
      return start;
    }
    try {
      return start.withWeightsFrom(checkpoint.get().resolve("value"));
    } finally {
      start.close();
    }
  }

  /** A trainable copy of where the value model starts. */
  private AlignRewardModel startValue(TrainablePolicy reference) {
    if (valueInit != null) {
      return valueInit.copy();
    }
    for (RewardSources.Source s : rewards) {
      if (s.model() instanceof AlignRewardModel rm) {
        return rm.copy();
      }
    }
    if (reference instanceof AlignModel m) {
      return m.newScalarModel(m.maxPositions());
    }
    if (reference instanceof LoraPolicy l) {
      // the value model is trained whole: its body starts as the base (a fresh adapter changes nothing)
      return l.model().newScalarModel(l.maxPositions());
    }
    throw new IllegalArgumentException("PPO needs a value model: give valueModel(AlignRewardModel), or an"
        + " AlignRewardModel as reward model, or train an AlignModel (whose body then starts the value model)");
  }

  /**
   * The value model reads the policy's token ids (it scores the policy's rollouts position by position), so it must
   * share the policy's tokenizer; a reward model trained from another base would read every id as another token.
   */
  private static void requireSameTokenizer(PolicyTokenizer policyTokens, AlignRewardModel value) {
    String difference = null;
    if (policyTokens instanceof TextExampleTokenizer p && value.tokenizer() instanceof TextExampleTokenizer v) {
      difference = p.textTokenizer().differenceFrom(v.textTokenizer()).orElse(null);
    } else if (policyTokens.padId() != value.tokenizer().padId()
        || !policyTokens.eosIds().equals(value.tokenizer().eosIds())) {
      difference = "pad or EOS ids differ";
    }
    if (difference != null) {
      throw new IllegalArgumentException("the PPO value model starts from " + value.origin() + ", whose tokenizer does"
          + " not match the policy's: " + difference + ". The value model reads the policy's token ids; give"
          + " --value-model DIR (valueModel(...)) with the policy's tokenizer (for example the policy folder itself,"
          + " which starts the value head from the policy's body)");
    }
  }

  /** One PPO iteration on a batch of rollouts. */
  private final class Iteration {
    private final OnlineRun online;
    private final TrainablePolicy policy;
    private final TrainablePolicy reference;
    private final TransformerModel value;
    private final RewardSources rewards;
    private final GradientStep stepper;
    private final KernelProvider kernels;
    private final KlCoefficient beta;

    Iteration(OnlineRun online, TrainablePolicy policy, TrainablePolicy reference, TransformerModel value,
        RewardSources rewards, GradientStep stepper, KernelProvider kernels, KlCoefficient beta) {
      this.online = online;
      this.policy = policy;
      this.reference = reference;
      this.value = value;
      this.rewards = rewards;
      this.stepper = stepper;
      this.kernels = kernels;
      this.beta = beta;
    }

    Map<String, Double> run(Rollouts ro, long it, long updatesBefore) {
      long t0 = System.nanoTime();
      int b = ro.size();
      int r = ro.responseWidth();
      double temperature = config.rl().temperature();
      double[][] per = rewards.perSource(ro.samples());
      double[] score = rewards.total(per);
      float[] old;
      float[] ref;
      float[] values;
      boolean gradMode = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager m = DjlSetup.newManager()) {
        old = ro.logprobs(m, policy, temperature, false)[0].toFloatArray();
        ref = ro.logprobs(m, reference, temperature, false)[0].toFloatArray();
        values = ro.values(m, value, policy.tokenizer().padId(), config.scorePlacement()).toFloatArray();
      } finally {
        JniUtils.setGradMode(gradMode);
      }
      online.checkLogprobs(ro, old, it);
      float[] scores = new float[b];
      for (int i = 0; i < b; i++) {
        scores[i] = (float) score[i];
      }
      float[] tokenRewards = new float[b * r];
      float[] kl = new float[b * r];
      KlPenalty penalty = new KlPenalty(beta.value(), config.klEstimator(), config.scorePlacement(),
          config.rl().missingEosPenalty());
      kernels.klPenalizedRewards(penalty, scores, old, ref, ro.mask(), ro.containsEos(), b, r, tokenRewards, kl, null);
      float[] advantages = new float[b * r];
      float[] returns = new float[b * r];
      kernels.gae(new GaeParams(config.gamma(), config.lambda(), GaeParams.RewardWhitening.NONE,
          config.scorePlacement()), tokenRewards, values, ro.mask(), b, r, advantages, null, returns);

      Map<String, Double> sums = new LinkedHashMap<>();
      int updates = 0;
      Random order = new Random(config.rl().seed() * 31L + it);
      for (int epoch = 0; epoch < config.ppoEpochs(); epoch++) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < b; i++) {
          rows.add(i);
        }
        Collections.shuffle(rows, order);
        int size = b / config.numMiniBatches();                   // PpoConfig checks that it divides
        for (int start = 0; start < b; start += size) {
          int[] idx = rows.subList(start, start + size).stream().mapToInt(Integer::intValue).toArray();
          StepResult s = stepper.run(updatesBefore + ++updates, List.of(miniBatch(ro, idx, old, values, advantages,
              returns)));
          s.metrics().forEach((k, v) -> sums.merge(k, v, Double::sum));
          sums.merge("loss/total", s.loss(), Double::sum);
          sums.merge("grad_norm", s.gradNorm(), Double::sum);
          sums.put("lr", s.learningRate());
        }
      }
      int n = updates;
      Map<String, Double> out = new LinkedHashMap<>();
      double mean = 0;
      for (double v : score) {
        mean += v;
      }
      mean /= b;
      double var = 0;
      for (double v : score) {
        var += (v - mean) * (v - mean);
      }
      out.put("reward/mean", mean);
      out.put("reward/std", Math.sqrt(var / Math.max(1, b - 1)));
      for (int k = 0; k < rewards.sources().size(); k++) {
        double s = 0;
        for (double[] row : per) {
          s += row[k];
        }
        out.put("reward/" + rewards.sources().get(k).name(), s / b);
      }
      double seqKl = 0;
      for (float v : kl) {
        seqKl += v;
      }
      seqKl /= b;
      out.put("kl/reference", seqKl);
      out.put("kl/sequence", seqKl);   // the name GRPO also reports, for comparisons across trainers
      out.put("kl/beta", beta.value());
      sums.forEach((k, v) -> out.put(k, k.equals("lr") ? v : v / n));
      out.put("completions/mean_length", ro.meanLength());
      out.put("completions/eos_fraction", ro.eosFraction());
      double seconds = (System.nanoTime() - t0) / 1e9;
      double tokens = ro.meanLength() * b;
      out.put("perf/tokens_per_second", tokens / seconds);
      beta.update(seqKl, b);
      return out;
    }

    private MicroBatch miniBatch(Rollouts ro, int[] idx, float[] old, float[] values, float[] advantages,
        float[] returns) {
      Rollouts sel = ro.select(idx);
      int r = ro.responseWidth();
      float[] oldSel = Rollouts.rows(old, idx, r);
      float[] valSel = Rollouts.rows(values, idx, r);
      float[] advSel = Rollouts.rows(advantages, idx, r);
      float[] retSel = Rollouts.rows(returns, idx, r);
      return new MicroBatch() {
        @Override public double weight() {
          return idx.length;
        }

        @Override public LossAndMetrics compute(NDManager m) {
          Shape shape = new Shape(idx.length, r);
          NDArray[] lp = sel.logprobs(m, policy, config.rl().temperature(), true);
          NDArray mask = sel.maskArray(m);
          ObjectiveResult pg = policyObjective.compute(new PpoPolicyBatch(lp[0], m.create(oldSel, shape),
              m.create(advSel, shape), mask));
          NDArray v = sel.values(m, value, policy.tokenizer().padId(), config.scorePlacement());
          ObjectiveResult vf = valueObjective.compute(new PpoValueBatch(v, m.create(valSel, shape),
              m.create(retSel, shape), mask));
          NDArray loss = pg.loss().add(mul(vf.loss(), config.valueCoefficient()));
          Map<String, Double> metrics = new LinkedHashMap<>();
          metrics.put("loss/policy", pg.lossValue());
          metrics.put("loss/value", vf.lossValue());
          ObjectiveMetrics.scalars(pg).forEach(metrics::putIfAbsent);
          metrics.put("policy/entropy", (double) (lp[1].stopGradient().sum().getFloat()
              / Math.max(1f, mask.sum().getFloat())));
          ObjectiveMetrics.scalars(vf).forEach(metrics::putIfAbsent);
          return new LossAndMetrics(loss, metrics);
        }
      };
    }
  }

}
