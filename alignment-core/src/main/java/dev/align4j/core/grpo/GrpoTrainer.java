package dev.align4j.core.grpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.kernel.GroupAdvantageParams;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.ExampleTokenizer;
import dev.align4j.core.data.PromptExample;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Pretrained;
import dev.align4j.core.model.Provenance;
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
import java.util.Optional;
import java.util.Random;

/**
 * GRPO, one iteration at a time:
 * <pre>
 * sample G completions per prompt → rewards (per source) → group advantages     (kernel grpo_advantages)
 * → num-iterations × mini-batches of the GRPO loss (k3 KL to the reference when β > 0)
 * </pre>
 * The reference is loaded only when β > 0. Groups whose rewards are all equal carry no learning signal; their share
 * is reported as {@code reward/frac_zero_std}.
 */
public final class GrpoTrainer {
  private final GrpoConfig config;

  public GrpoTrainer(GrpoConfig config) {
    this.config = config;
  }

  /** What a GRPO run produced. */
  public record Result(Path finalPolicy, Map<String, Double> metrics, List<Map<String, Double>> history) {}

  /** Trains the policy in {@code policyFolder} (also the reference when β > 0) on {@code prompts}. */
  public Result train(Path policyFolder, Dataset<PromptExample> prompts, RewardSources rewards, RunFolder run,
      ObjectNode resolvedConfig, List<TrainingListener> listeners) throws IOException {
    var rl = config.rl();
    try (OnlineRun online = new OnlineRun("grpo", rl, run, resolvedConfig, listeners)) {
      Path start = online.checkpoint().orElse(policyFolder);
      try (Pretrained policy = Pretrained.load(start);
          Pretrained reference = rl.beta() > 0 ? Pretrained.load(policyFolder) : null;
          TemplateChatRendering chat = TemplateChatRendering.forFolder(start).orElse(null)) {
        if (reference != null) {
          reference.lm().model().setTrainable(false);
        }
        policy.lm().model().setTrainable(true);
        ExampleTokenizer tokens = new TextExampleTokenizer(policy.tokenizer(), chat);
        long updatesPerIteration = (long) config.numIterations() * config.numMiniBatches();
        try (AdamW opt = new AdamW(policy.lm().model().parameters(), rl.optimizer(rl.maxSteps() * updatesPerIteration),
            policy.lm().model().manager())) {
          long startAfter = online.checkpoint().isPresent()
              ? TrainingCheckpoint.restore(online.checkpoint().get(), opt).get("step").asLong() : 0;
          GradientStep stepper = new GradientStep(opt, policy.lm().model().manager());
          KernelProvider kernels = KernelProviders.best();
          List<Map<String, Double>> history = new ArrayList<>();
          Map<String, Double> last = Map.of();
          for (long it = startAfter + 1; it <= rl.maxSteps(); it++) {
            long t0 = System.nanoTime();
            Rollouts ro = online.sample(policy.lm(), tokens, prompts, online.prompts(it, prompts.size()),
                config.numGenerations(), it);
            last = iterate(online, ro, it, (it - 1) * updatesPerIteration, policy.lm(),
                reference == null ? null : reference.lm(), rewards, stepper, kernels);
            last.put("perf/tokens_per_second", ro.meanLength() * ro.size() / ((System.nanoTime() - t0) / 1e9));
            history.add(last);
            if (it % rl.logEvery() == 0 || it == rl.maxSteps()) {
              online.log(it, last);
            }
            if (online.checkpointDue(it)) {
              long s = it;
              online.checkpoint(it, folder -> TrainingCheckpoint.write(folder, policy.lm().model(), start, opt, s,
                  null));
            }
          }
          ModelFolder.save(policy.lm().model(), online.finalModel(), start,
              Provenance.of("grpo", policyFolder.toString(), "prompts (" + prompts.size() + ")", resolvedConfig),
              null);
          return new Result(online.finalModel(), last, history);
        }
      }
    }
  }

  private Map<String, Double> iterate(OnlineRun online, Rollouts ro, long it, long updatesBefore, LanguageModel policy,
      LanguageModel reference, RewardSources rewards, GradientStep stepper, KernelProvider kernels) {
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
    try (NDManager m = policy.model().manager().newSubManager()) {
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
      LanguageModel policy, OnlineRun checker, long it) {
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
        ObjectiveResult res = config.objective().compute(new GrpoBatch(lp[0], oldArr, refArr, m.create(adv), mask));
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss/policy", res.lossValue());
        if (res.outputs().containsKey("kl/reference")) {
          metrics.put("kl/reference", res.metric("kl/reference"));
        }
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
