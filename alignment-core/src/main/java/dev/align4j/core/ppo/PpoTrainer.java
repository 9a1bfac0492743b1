package dev.align4j.core.ppo;

import static dev.align4j.core.math.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.kernel.GaeParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.KlPenalty;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.ExampleTokenizer;
import dev.align4j.core.data.PromptExample;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.Pretrained;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import dev.align4j.core.rl.KlCoefficient;
import dev.align4j.core.rl.OnlineRun;
import dev.align4j.core.rl.RewardSources;
import dev.align4j.core.rl.Rollouts;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.AdamW;
import dev.align4j.core.train.GradientStep;
import dev.align4j.core.train.LossAndMetrics;
import dev.align4j.core.train.MicroBatch;
import dev.align4j.core.train.StepResult;
import dev.align4j.core.train.TrainingCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * PPO with a value model, GAE and a KL leash to the SFT reference, one iteration at a time:
 * <pre>
 * sample completions → score (reward model and/or functions) → old log-probs, reference log-probs, values
 * → per-token rewards −β·kl (+ score on the last response token)            (kernel kl_penalized_rewards)
 * → advantages and returns                                                   (kernel gae, whitened)
 * → ppo-epochs × mini-batches of clipped policy loss + vf-coef × clipped value loss
 * </pre>
 * The policy and the value model (initialised from the reward model, or from the policy with a new head) share one
 * AdamW. The reference is a frozen copy of the starting policy.
 */
public final class PpoTrainer {
  private final PpoConfig config;

  public PpoTrainer(PpoConfig config) {
    this.config = config;
  }

  /** What a PPO run produced. */
  public record Result(Path finalPolicy, Path finalValue, Map<String, Double> metrics, List<Map<String, Double>> history) {}

  /**
   * @param policyFolder the starting policy (the SFT model); also the reference
   * @param valueInit the folder the value model starts from (a reward model, or the policy)
   */
  public Result train(Path policyFolder, Path valueInit, Dataset<PromptExample> prompts, RewardSources rewards,
      RunFolder run, ObjectNode resolvedConfig, List<TrainingListener> listeners) throws IOException {
    var rl = config.rl();
    try (OnlineRun online = new OnlineRun("ppo", rl, run, resolvedConfig, listeners)) {
      Path start = online.checkpoint().orElse(policyFolder);
      Path valueStart = online.checkpoint().map(c -> c.resolve("value")).orElse(valueInit);
      try (Pretrained policy = Pretrained.load(start);
          Pretrained reference = Pretrained.load(policyFolder);
          TransformerModel value = ModelFolder.load(valueStart, HeadKind.SCALAR);
          TemplateChatRendering chat = TemplateChatRendering.forFolder(start).orElse(null)) {
        requireSameTokenizer(policy, valueInit);
        reference.lm().model().setTrainable(false);
        policy.lm().model().setTrainable(true);
        value.setTrainable(true);
        ExampleTokenizer tokens = new TextExampleTokenizer(policy.tokenizer(), chat);
        List<Parameter> params = new ArrayList<>(policy.lm().model().parameters());
        params.addAll(value.parameters());
        long updatesPerIteration = (long) config.ppoEpochs() * config.numMiniBatches();
        try (AdamW opt = new AdamW(params, rl.optimizer(rl.maxSteps() * updatesPerIteration),
            policy.lm().model().manager())) {
          KlCoefficient beta = rl.klCoefficient();
          long startAfter = 0;
          if (online.checkpoint().isPresent()) {
            var state = TrainingCheckpoint.restore(online.checkpoint().get(), opt);
            startAfter = state.get("step").asLong();
            beta.restore(state.get("stage").get("beta").asDouble());
          }
          Iteration iteration = new Iteration(online, policy.lm(), reference.lm(), value, rewards,
              new GradientStep(opt, policy.lm().model().manager()), KernelProviders.best(), beta);
          List<Map<String, Double>> history = new ArrayList<>();
          Map<String, Double> last = Map.of();
          for (long it = startAfter + 1; it <= rl.maxSteps(); it++) {
            Rollouts ro = online.sample(policy.lm(), tokens, prompts, online.prompts(it, prompts.size()), 1, it);
            last = iteration.run(ro, it, (it - 1) * updatesPerIteration);
            history.add(last);
            if (it % rl.logEvery() == 0 || it == rl.maxSteps()) {
              online.log(it, last);
            }
            if (online.checkpointDue(it)) {
              long s = it;
              ObjectNode stageState = resolvedConfig.objectNode().put("beta", beta.value());
              online.checkpoint(it, folder -> {
                ModelFolder.writeInto(value, folder.resolve("value"), valueStart, null, null);
                TrainingCheckpoint.write(folder, policy.lm().model(), start, opt, s, stageState);
              });
            }
          }
          ModelFolder.save(policy.lm().model(), online.finalModel(), start,
              Provenance.of("ppo", policyFolder.toString(), "prompts (" + prompts.size() + ")", resolvedConfig), null);
          Path finalValue = run.root().resolve("final-value");
          ModelFolder.save(value, finalValue, valueStart,
              Provenance.of("ppo-value", valueInit.toString(), "prompts (" + prompts.size() + ")", resolvedConfig),
              resolvedConfig.objectNode().put("pad_token_id", policy.tokenizer().padId()));
          return new Result(online.finalModel(), finalValue, last, history);
        }
      }
    }
  }

  /**
   * The value model reads the policy's token ids (it scores the policy's rollouts position by position), so it must
   * share the policy's tokenizer; a reward model trained from another base would read every id as another token.
   */
  private static void requireSameTokenizer(Pretrained policy, Path valueInit) throws IOException {
    try (TextTokenizer valueTokens = TextTokenizer.load(valueInit)) {
      var difference = policy.tokenizer().differenceFrom(valueTokens);
      if (difference.isPresent()) {
        throw new IllegalArgumentException("the PPO value model starts from " + valueInit + ", whose tokenizer does"
            + " not match the policy's in " + policy.folder() + ": " + difference.get() + ". The value model reads"
            + " the policy's token ids; give --value-model DIR with the policy's tokenizer (for example the policy"
            + " folder itself, which starts the value head from the policy's body)");
      }
    }
  }

  /** One PPO iteration on a batch of rollouts. */
  private final class Iteration {
    private final OnlineRun online;
    private final LanguageModel policy;
    private final LanguageModel reference;
    private final TransformerModel value;
    private final RewardSources rewards;
    private final GradientStep stepper;
    private final KernelProvider kernels;
    private final KlCoefficient beta;

    Iteration(OnlineRun online, LanguageModel policy, LanguageModel reference, TransformerModel value,
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
      try (NDManager m = policy.model().manager().newSubManager()) {
        old = ro.logprobs(m, policy, temperature, false)[0].toFloatArray();
        ref = ro.logprobs(m, reference, temperature, false)[0].toFloatArray();
        values = ro.values(m, value, policy.padId(), config.scorePlacement()).toFloatArray();
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
          ObjectiveResult pg = new PpoPolicyObjective(config.clipRange()).compute(new PpoPolicyBatch(lp[0],
              m.create(oldSel, shape), m.create(advSel, shape), mask));
          NDArray v = sel.values(m, value, policy.padId(), config.scorePlacement());
          ObjectiveResult vf = new PpoValueObjective(config.clipRangeValue(), config.scorePlacement()).compute(
              new PpoValueBatch(v, m.create(valSel, shape), m.create(retSel, shape), mask));
          NDArray loss = pg.loss().add(mul(vf.loss(), config.valueCoefficient()));
          Map<String, Double> metrics = new LinkedHashMap<>();
          metrics.put("loss/policy", pg.lossValue());
          metrics.put("loss/value", vf.lossValue());
          metrics.put("policy/clipfrac", pg.metric("policy/clipfrac"));
          metrics.put("policy/approx_kl", pg.metric("policy/approx_kl"));
          metrics.put("policy/entropy", (double) (lp[1].stopGradient().sum().getFloat()
              / Math.max(1f, mask.sum().getFloat())));
          metrics.put("value/clipfrac", vf.metric("value/clipfrac"));
          return new LossAndMetrics(loss, metrics);
        }
      };
    }
  }

}
