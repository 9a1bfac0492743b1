package dev.align4j.core.sft;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.data.DataReport;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervised fine-tuning: completion-only cross-entropy over the demonstrations (prompt, system and user turns
 * masked), evaluated on held-out loss and per-token accuracy.
 *
 * <pre>{@code
 * TrainingResult<AlignModel> r = SftTrainer.of(SftConfig.builder().learningRate(3e-3).maxSteps(300).build())
 *     .listener(myMetrics).train(base, demonstrations, heldOut);
 * }</pre>
 *
 * <p>The policy handed in stays as it is; the result holds a trained copy. With {@link #runFolder} the run keeps
 * {@code config.json}, {@code metrics.jsonl}, resumable checkpoints and {@code final/}.
 */
public final class SftTrainer extends Trainer<SftTrainer> {
  private static final Logger LOG = LoggerFactory.getLogger(SftTrainer.class);

  private final SftConfig config;
  private final Objective<SftBatch> objective;

  private SftTrainer(SftConfig config, Objective<SftBatch> objective, TrainerSettings settings) {
    super(settings);
    this.config = checkNotNull(config, "config");
    this.objective = checkNotNull(objective, "objective");
  }

  /** A trainer of {@code config} with the built-in objective ({@link SftObjective} of its loss type). */
  public static SftTrainer of(SftConfig config) {
    return new SftTrainer(config, new SftObjective(config.lossType()), TrainerSettings.defaults());
  }

  /** The configuration. */
  public SftConfig config() {
    return config;
  }

  /**
   * The same trainer with a user objective in place of the built-in one. It receives each micro-batch's logits and
   * labels ({@link SftBatch}) and must return the loss; any scalar outputs become metrics.
   */
  public SftTrainer objective(Objective<SftBatch> newObjective) {
    return new SftTrainer(config, newObjective, settings());
  }

  @Override
  protected SftTrainer withSettings(TrainerSettings newSettings) {
    return new SftTrainer(config, objective, newSettings);
  }

  /** Trains a copy of {@code base} on {@code train}, without held-out data. */
  public <P extends TrainablePolicy> TrainingResult<P> train(P base, List<Demonstration> train) throws IOException {
    return train(base, train, List.of());
  }

  /**
   * Trains a copy of {@code base} on {@code train}, evaluating on {@code eval} (may be empty) before the first step,
   * every {@code evalEvery} steps and at the end.
   */
  public <P extends TrainablePolicy> TrainingResult<P> train(P base, List<Demonstration> train,
      List<Demonstration> eval) throws IOException {
    TrainingArgs args = config.training();
    try (RunContext run = RunContext.open("sft", config.toMap(), settings(), args.threads())) {
      P policy = Policies.startingPoint(base, run.checkpoint());
      try {
        PolicyTokenizer tokens = policy.tokenizer();
        List<TokenizedSequence> trainSeqs = encode(tokens, train, "training");
        List<TokenizedSequence> evalSeqs = eval.isEmpty() ? List.of() : encode(tokens, eval, "evaluation");
        long total = args.totalSteps(trainSeqs.size());
        Stage stage = new Stage(policy, trainSeqs, evalSeqs, new BatchOrder(trainSeqs.size(), args));
        TrainingLoop.Result result;
        try (NDManager optimizerManager = DjlSetup.newManager()) {
          result = OfflineRun.train("sft", args, run, Policies.parameters(policy), optimizerManager,
              policy::writeWeights, total, stage);
        }
        if (run.finalModel().isPresent()) {
          Policies.saveFinal(policy, run.finalModel().get(), Provenance.of("sft", Policies.describe(base),
              "sft data (" + train.size() + " examples)", ConfigJson.of(config.toMap())));
        }
        policy.setTrainable(false);
        return new TrainingResult<>(policy, total, result.last(), result.initial(), run.history(), run.root());
      } catch (IOException | RuntimeException | Error e) {
        policy.close();
        throw e;
      }
    }
  }

  private List<TokenizedSequence> encode(PolicyTokenizer tokens, List<Demonstration> data, String what) {
    int max = config.training().maxLength();
    List<TokenizedSequence> out = new ArrayList<>(data.size());
    int truncated = 0;
    int empty = 0;
    for (Demonstration d : data) {
      TokenizedSequence s = tokens.demonstration(d);
      if (s.ids().length > max) {
        truncated++;
        s = s.truncate(max);
      }
      if (s.targetCount() == 0) {
        empty++;
        continue;
      }
      out.add(s);
    }
    LOG.info("sft {} data: {} examples ({}), {} truncated to max-length {}, {} without any completion token left"
        + " after truncation (skipped)", what, out.size(), DataReport.of(data).summary(), truncated, max, empty);
    if (out.isEmpty() && what.equals("training")) {
      throw new IllegalArgumentException("no SFT example has a completion token within max-length " + max
          + "; raise max-length (or give examples)");
    }
    return out;
  }

  /** Positions that carry a label: target tokens after the first position of their row. */
  private static double labelled(List<TokenizedSequence> seqs) {
    double n = 0;
    for (TokenizedSequence s : seqs) {
      for (int i = 1; i < s.target().length; i++) {
        n += s.target()[i] ? 1 : 0;
      }
    }
    return n;
  }

  /** The SFT stage for the training loop. */
  private final class Stage implements TrainingLoop.Stage {
    private final TrainablePolicy policy;
    private final List<TokenizedSequence> train;
    private final List<TokenizedSequence> eval;
    private final BatchOrder order;

    Stage(TrainablePolicy policy, List<TokenizedSequence> train, List<TokenizedSequence> eval, BatchOrder order) {
      this.policy = policy;
      this.train = train;
      this.eval = eval;
      this.order = order;
    }

    @Override
    public List<MicroBatch> microBatches(long step) {
      List<MicroBatch> out = new ArrayList<>();
      for (int[] idx : order.microBatches(step)) {
        List<TokenizedSequence> seqs = new ArrayList<>();
        for (int i : idx) {
          seqs.add(train.get(i));
        }
        out.add(microBatch(seqs));
      }
      return out;
    }

    private MicroBatch microBatch(List<TokenizedSequence> seqs) {
      int targets = 0;
      for (TokenizedSequence s : seqs) {
        targets += s.targetCount();
      }
      double weight = targets;
      return new MicroBatch() {
        @Override public double weight() {
          return weight;
        }

        @Override public LossAndMetrics compute(NDManager m) {
          ObjectiveResult r = forward(m, seqs);
          return new LossAndMetrics(r.loss(), ObjectiveMetrics.scalars(r));
        }
      };
    }

    /** Logits of the batch and the objective; labels at t are token t+1 where it is a target. */
    private ObjectiveResult forward(NDManager m, List<TokenizedSequence> seqs) {
      int[][] rows;
      boolean[][] targets;
      int[][] segments = null;
      if (config.packing() == Packing.PACKED) {
        Packed packed = Packed.of(seqs, config.training().maxLength());
        rows = packed.rows();
        targets = packed.targets();
        segments = packed.segments();
      } else {
        rows = new int[seqs.size()][];
        targets = new boolean[seqs.size()][];
        for (int i = 0; i < seqs.size(); i++) {
          rows[i] = seqs.get(i).ids();
          targets[i] = seqs.get(i).target();
        }
      }
      NDArray all = segments != null ? policy.packedLogits(m, rows, segments)
          : policy.logits(m, new TokenBatch(rows, TokenBatch.Padding.RIGHT));     // (B, T, V)
      int b = rows.length;
      int t = (int) all.getShape().get(1);
      long[] labels = new long[b * (t - 1)];
      java.util.Arrays.fill(labels, SftBatch.IGNORE_INDEX);
      for (int r = 0; r < b; r++) {
        for (int i = 0; i + 1 < rows[r].length; i++) {
          boolean sameSequence = segments == null || segments[r][i] == segments[r][i + 1];
          if (targets[r][i + 1] && sameSequence) {
            labels[r * (t - 1) + i] = rows[r][i + 1];
          }
        }
      }
      NDArray logits = all.get(":, :-1, :");
      return objective.compute(new SftBatch(logits, m.create(labels, new Shape(b, t - 1))));
    }

    @Override
    public Map<String, Double> evaluate() {
      if (eval.isEmpty()) {
        return Map.of();
      }
      double loss = 0;
      double correct = 0;
      double tokens = 0;
      int batch = Math.max(1, config.training().batchSize());
      try (NDManager m = DjlSetup.newManager()) {
        for (int i = 0; i < eval.size(); i += batch) {
          try (NDManager mb = m.newSubManager()) {
            List<TokenizedSequence> part = eval.subList(i, Math.min(eval.size(), i + batch));
            ObjectiveResult r = forward(mb, part);
            // weighted by the batch's labelled tokens (counted here when a user objective does not report them)
            double n = r.outputs().containsKey("num_tokens") ? r.metric("num_tokens") : labelled(part);
            loss += r.lossValue() * n;
            if (r.outputs().containsKey("mean_token_accuracy")) {
              correct += r.metric("mean_token_accuracy") * n;
            } else {
              correct = Double.NaN;
            }
            tokens += n;
          }
        }
      }
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("loss", loss / tokens);
      if (!Double.isNaN(correct)) {
        out.put("mean_token_accuracy", correct / tokens);
      }
      return out;
    }
  }
}
