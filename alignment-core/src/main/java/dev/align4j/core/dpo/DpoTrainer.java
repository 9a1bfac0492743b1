package dev.align4j.core.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.ExampleTokenizer;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.core.eval.ReferenceKl;
import dev.align4j.core.model.CompletionLogprobs;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.Pretrained;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.BatchOrder;
import dev.align4j.core.train.LossAndMetrics;
import dev.align4j.core.train.MicroBatch;
import dev.align4j.core.train.OfflineRun;
import dev.align4j.core.train.TrainingArgs;
import dev.align4j.core.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DPO (Rafailov et al. 2023): the policy starts as the SFT model and learns from preference pairs directly, its
 * log-ratio to the frozen SFT reference acting as the reward. Reference log-probs are computed once and cached;
 * evaluation reports TRL's reward metrics on held-out pairs and the exact KL to the reference on held-out prompts.
 */
public final class DpoTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(DpoTrainer.class);
  private static final String CACHE = "reference_logps.safetensors";

  private final DpoConfig config;

  public DpoTrainer(DpoConfig config) {
    this.config = config;
  }

  /** What a DPO run produced. */
  public record Result(Path finalModel, long steps, Map<String, Double> metrics, Map<String, Double> initial) {}

  /** Trains the policy in {@code model} on {@code train}; {@code eval} may be null. */
  public Result train(Path model, Dataset<PreferencePair> train, Dataset<PreferencePair> eval, RunFolder run,
      ObjectNode resolvedConfig, List<TrainingListener> listeners) throws IOException {
    TrainingArgs args = config.training();
    OfflineRun offline = new OfflineRun("dpo", args, run, resolvedConfig);
    Path start = offline.startFrom(model);
    try (Pretrained policy = Pretrained.load(start);
        Pretrained reference = Pretrained.load(model);     // always the initial model, also when resuming
        TemplateChatRendering chat = TemplateChatRendering.forFolder(start).orElse(null)) {
      reference.lm().model().setTrainable(false);
      ExampleTokenizer tokens = new TextExampleTokenizer(policy.tokenizer(), chat);
      String referenceHash = reference.lm().model().weightsHash();
      Side trainSide = side(tokens, train, reference.lm(), referenceHash, run.root().resolve(CACHE), "train");
      Side evalSide = eval == null ? null
          : side(tokens, eval, reference.lm(), referenceHash, run.root().resolve(CACHE), "eval");
      Map<String, ReferenceLogprobCache.Entry> cache = new LinkedHashMap<>();
      trainSide.putInto(cache, "train");
      if (evalSide != null) {
        evalSide.putInto(cache, "eval");
      }
      ReferenceLogprobCache.save(run.root().resolve(CACHE), cache);
      List<int[]> klPrompts = new ArrayList<>();
      if (eval != null) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (PreferencePair p : eval.examples()) {
          if (seen.add(p.prompt().toString())) {
            klPrompts.add(tokens.prompt(p.prompt()));
          }
        }
      }
      long total = args.totalSteps(trainSide.size());
      Stage stage = new Stage(policy.lm(), reference.lm(), trainSide, evalSide, klPrompts,
          new BatchOrder(trainSide.size(), args));
      TrainingLoop.Result r = offline.train(policy.lm().model(), start, total, stage, listeners,
          Provenance.of("dpo", model.toString(), "preferences (" + train.size() + " pairs)", resolvedConfig), null);
      return new Result(offline.finalModel(), total, r.last(), r.initial());
    }
  }

  private Side side(ExampleTokenizer tokens, Dataset<PreferencePair> data, LanguageModel reference,
      String referenceHash, Path cacheFile, String split) throws IOException {
    int max = config.training().maxLength();
    List<TokenizedSequence> chosen = new ArrayList<>();
    List<TokenizedSequence> rejected = new ArrayList<>();
    int truncated = 0;
    for (PreferencePair p : data.examples()) {
      TokenizedSequence c = tokens.promptResponse(p.prompt(), p.chosen());
      TokenizedSequence r = tokens.promptResponse(p.prompt(), p.rejected());
      truncated += c.ids().length > max || r.ids().length > max ? 1 : 0;
      chosen.add(c.truncate(max));
      rejected.add(r.truncate(max));
    }
    LOG.info("dpo {} data: {} pairs ({}); {} truncated to max-length {}", split, data.size(),
        data.report().summary(), truncated, max);
    int batch = Math.max(1, config.training().batchSize());
    ReferenceLogprobCache.Entry refChosen = ReferenceLogprobCache.get(cacheFile, split + ".chosen", reference,
        referenceHash, chosen, batch);
    ReferenceLogprobCache.Entry refRejected = ReferenceLogprobCache.get(cacheFile, split + ".rejected", reference,
        referenceHash, rejected, batch);
    return new Side(chosen, rejected, refChosen, refRejected);
  }

  /** Pairs of one split with their cached reference log-probs. */
  private record Side(List<TokenizedSequence> chosen, List<TokenizedSequence> rejected,
      ReferenceLogprobCache.Entry chosenEntry, ReferenceLogprobCache.Entry rejectedEntry) {
    int size() {
      return chosen.size();
    }

    float[] refChosen() {
      return chosenEntry.values();
    }

    float[] refRejected() {
      return rejectedEntry.values();
    }

    void putInto(Map<String, ReferenceLogprobCache.Entry> cache, String split) {
      cache.put(split + ".chosen", chosenEntry);
      cache.put(split + ".rejected", rejectedEntry);
    }
  }

  private final class Stage implements TrainingLoop.Stage {
    private final LanguageModel policy;
    private final LanguageModel reference;
    private final Side train;
    private final Side eval;
    private final List<int[]> klPrompts;
    private final BatchOrder order;

    Stage(LanguageModel policy, LanguageModel reference, Side train, Side eval, List<int[]> klPrompts,
        BatchOrder order) {
      this.policy = policy;
      this.reference = reference;
      this.train = train;
      this.eval = eval;
      this.klPrompts = klPrompts;
      this.order = order;
    }

    @Override
    public List<MicroBatch> microBatches(long step) {
      List<MicroBatch> out = new ArrayList<>();
      for (int[] idx : order.microBatches(step)) {
        out.add(new MicroBatch() {
          @Override public double weight() {
            return idx.length;
          }

          @Override public LossAndMetrics compute(NDManager m) {
            ObjectiveResult r = objective(m, train, idx);
            return new LossAndMetrics(r.loss(), metrics(r));
          }
        });
      }
      return out;
    }

    private ObjectiveResult objective(NDManager m, Side side, int[] idx) {
      int n = idx.length;
      List<TokenizedSequence> rows = new ArrayList<>(2 * n);
      float[] refC = new float[n];
      float[] refR = new float[n];
      for (int i = 0; i < n; i++) {
        rows.add(side.chosen().get(idx[i]));
        refC[i] = side.refChosen()[idx[i]];
        refR[i] = side.refRejected()[idx[i]];
      }
      for (int i : idx) {
        rows.add(side.rejected().get(i));
      }
      NDArray sums = CompletionLogprobs.sums(m, policy, rows);                // (2N)
      float[] counts = CompletionLogprobs.counts(rows);
      NDArray lengths = m.create(counts);
      return config.objective().compute(new DpoBatch(sums.get("0:" + n), sums.get(n + ":"), m.create(refC),
          m.create(refR), Optional.of(lengths.get("0:" + n)), Optional.of(lengths.get(n + ":"))));
    }

    private Map<String, Double> metrics(ObjectiveResult r) {
      Map<String, Double> out = new LinkedHashMap<>();
      for (String k : new String[] {"rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
          "logps/chosen", "logps/rejected"}) {
        out.put(k, r.metric(k));
      }
      return out;
    }

    @Override
    public Map<String, Double> evaluate() {
      if (eval == null || eval.size() == 0) {
        return Map.of();
      }
      int batch = Math.max(1, config.training().batchSize());
      Map<String, Double> sums = new LinkedHashMap<>();
      double loss = 0;
      try (NDManager m = policy.model().manager().newSubManager()) {
        for (int i = 0; i < eval.size(); i += batch) {
          int[] idx = new int[Math.min(batch, eval.size() - i)];
          for (int j = 0; j < idx.length; j++) {
            idx[j] = i + j;
          }
          try (NDManager mb = m.newSubManager()) {
            ObjectiveResult r = objective(mb, eval, idx);
            loss += r.lossValue() * idx.length;
            int size = idx.length;
            metrics(r).forEach((k, v) -> sums.merge(k, v * size, Double::sum));
          }
        }
      }
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("loss", loss / eval.size());
      sums.forEach((k, v) -> out.put(k, v / eval.size()));
      out.put("kl/reference", ReferenceKl.mean(policy, reference, klPrompts,
          SamplingParams.sample(1.0, config.klMaxNewTokens()), config.training().seed(), KernelProviders.best()));
      return out;
    }
  }
}
