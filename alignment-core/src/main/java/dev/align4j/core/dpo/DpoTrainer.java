package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.data.DataReport;
import dev.align4j.core.eval.ReferenceKl;
import dev.align4j.core.model.CompletionLogprobs;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.runtime.DjlSetup;
import dev.align4j.core.train.Trainer;
import dev.align4j.core.train.TrainerSettings;
import dev.align4j.core.train.TrainingArgs;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.core.train.internal.BatchOrder;
import dev.align4j.core.train.internal.ConfigJson;
import dev.align4j.core.train.internal.LossAndMetrics;
import dev.align4j.core.train.internal.MicroBatch;
import dev.align4j.core.train.internal.ObjectiveMetrics;
import dev.align4j.core.train.internal.OfflineRun;
import dev.align4j.core.train.internal.Policies;
import dev.align4j.core.train.internal.RunContext;
import dev.align4j.core.train.internal.TrainingLoop;
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
 * log-ratio to the frozen SFT reference acting as the reward. The model handed in is that reference (it is not
 * changed); the result holds the trained copy. Reference log-probs are computed once (and, with a run folder, cached
 * in {@code reference_logps.safetensors}); evaluation reports TRL's reward metrics on held-out pairs and the exact KL
 * to the reference on held-out prompts.
 */
public final class DpoTrainer extends Trainer<DpoTrainer> {
  private static final Logger LOG = LoggerFactory.getLogger(DpoTrainer.class);
  private static final String CACHE = "reference_logps.safetensors";

  private final DpoConfig config;
  private final Objective<DpoBatch> objective;

  private DpoTrainer(DpoConfig config, Objective<DpoBatch> objective, TrainerSettings settings) {
    super(settings);
    this.config = checkNotNull(config, "config");
    this.objective = checkNotNull(objective, "objective");
  }

  /** A trainer of {@code config} with its built-in {@link DpoObjective}. */
  public static DpoTrainer of(DpoConfig config) {
    return new DpoTrainer(config, config.objective(), TrainerSettings.defaults());
  }

  /** The configuration. */
  public DpoConfig config() {
    return config;
  }

  /**
   * The same trainer with a user objective (a new DPO variant, say SimPO's length-normalised margin) in place of the
   * built-in one. It receives the policy's and the reference's summed log-probs of each side and the completion
   * lengths ({@link DpoBatch}); its scalar outputs become metrics.
   */
  public DpoTrainer objective(Objective<DpoBatch> newObjective) {
    return new DpoTrainer(config, newObjective, settings());
  }

  @Override
  protected DpoTrainer withSettings(TrainerSettings newSettings) {
    return new DpoTrainer(config, objective, newSettings);
  }

  /** Trains a copy of {@code reference} on {@code train}; {@code eval} may be empty. */
  public <P extends TrainablePolicy> TrainingResult<P> train(P reference, List<PreferencePair> train,
      List<PreferencePair> eval) throws IOException {
    TrainingArgs args = config.training();
    try (RunContext run = RunContext.open("dpo", config.toMap(), settings(), args.threads())) {
      P policy = Policies.startingPoint(reference, run.checkpoint());
      try {
        PolicyTokenizer tokens = policy.tokenizer();
        Path cacheFile = run.root().map(r -> r.resolve(CACHE)).orElse(null);
        String referenceHash = Policies.weightsHash(reference);
        Side trainSide = side(tokens, train, reference, referenceHash, cacheFile, "train");
        Side evalSide = eval.isEmpty() ? null : side(tokens, eval, reference, referenceHash, cacheFile, "eval");
        if (cacheFile != null) {
          Map<String, ReferenceLogprobCache.Entry> cache = new LinkedHashMap<>();
          trainSide.putInto(cache, "train");
          if (evalSide != null) {
            evalSide.putInto(cache, "eval");
          }
          ReferenceLogprobCache.save(cacheFile, cache);
        }
        List<int[]> klPrompts = new ArrayList<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (PreferencePair p : eval) {
          if (seen.add(p.prompt().toString())) {
            klPrompts.add(tokens.prompt(p.prompt()));
          }
        }
        long total = args.totalSteps(trainSide.size());
        Stage stage = new Stage(policy, reference, trainSide, evalSide, klPrompts,
            new BatchOrder(trainSide.size(), args));
        TrainingLoop.Result r;
        try (NDManager optimizerManager = DjlSetup.newManager()) {
          r = OfflineRun.train("dpo", args, run, Policies.parameters(policy), optimizerManager,
              policy::writeWeights, total, stage);
        }
        if (run.finalModel().isPresent()) {
          Policies.saveFinal(policy, run.finalModel().get(), Provenance.of("dpo", Policies.describe(reference),
              "preferences (" + train.size() + " pairs)", ConfigJson.of(config.toMap())));
        }
        policy.setTrainable(false);
        return new TrainingResult<>(policy, total, r.last(), r.initial(), run.history(), run.root());
      } catch (IOException | RuntimeException | Error e) {
        policy.close();
        throw e;
      }
    }
  }

  private Side side(PolicyTokenizer tokens, List<PreferencePair> data, TrainablePolicy reference,
      String referenceHash, Path cacheFile, String split) throws IOException {
    int max = config.training().maxLength();
    List<TokenizedSequence> chosen = new ArrayList<>();
    List<TokenizedSequence> rejected = new ArrayList<>();
    int truncated = 0;
    for (PreferencePair p : data) {
      TokenizedSequence c = tokens.promptResponse(p.prompt(), p.chosen());
      TokenizedSequence r = tokens.promptResponse(p.prompt(), p.rejected());
      truncated += c.ids().length > max || r.ids().length > max ? 1 : 0;
      chosen.add(c.truncate(max));
      rejected.add(r.truncate(max));
    }
    LOG.info("dpo {} data: {} pairs ({}); {} truncated to max-length {}", split, data.size(),
        DataReport.of(data).summary(), truncated, max);
    long soft = data.stream().filter(p -> p.pChosen().isPresent()).count();
    if (soft > 0) {
      // DPO's losses take each pair as ordered; one smoothing for all pairs is the explicit label_smoothing option
      // (cDPO), never switched on behind the user's back from per-pair labels.
      LOG.warn("dpo {} data: {} of {} pairs carry p_chosen, which DPO ignores: every pair trains as chosen over"
          + " rejected (soft labels train a reward model: align rm --soft-labels; a uniform smoothing is --label-smoothing)", split, soft, data.size());
    }
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
    private final TrainablePolicy policy;
    private final TrainablePolicy reference;
    private final Side train;
    private final Side eval;
    private final List<int[]> klPrompts;
    private final BatchOrder order;

    Stage(TrainablePolicy policy, TrainablePolicy reference, Side train, Side eval, List<int[]> klPrompts,
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
      return objective.compute(new DpoBatch(sums.get("0:" + n), sums.get(n + ":"), m.create(refC),
          m.create(refR), Optional.of(lengths.get("0:" + n)), Optional.of(lengths.get(n + ":"))));
    }

    /** The scalar outputs of the objective (TRL's rewards/* and logps/* for the built-in one). */
    private Map<String, Double> metrics(ObjectiveResult r) {
      return ObjectiveMetrics.scalars(r);
    }

    @Override
    public Map<String, Double> evaluate() {
      if (eval == null || eval.size() == 0) {
        return Map.of();
      }
      int batch = Math.max(1, config.training().batchSize());
      Map<String, Double> sums = new LinkedHashMap<>();
      double loss = 0;
      try (NDManager m = DjlSetup.newManager()) {
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
      // as many new tokens as asked, as far as the longest held-out prompt leaves room in the model's positions
      int longest = klPrompts.stream().mapToInt(p -> p.length).max().orElse(0);
      int room = Math.min(config.klMaxNewTokens(), policy.maxPositions() - longest);
      out.put("kl/reference", room < 1 ? Double.NaN : ReferenceKl.mean(policy, reference, klPrompts,
          SamplingParams.sample(1.0, room), config.training().seed(), KernelProviders.best()));
      return out;
    }
  }
}
