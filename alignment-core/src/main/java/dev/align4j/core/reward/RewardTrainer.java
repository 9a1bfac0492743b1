package dev.align4j.core.reward;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.data.DataReport;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.ScalarScores;
import dev.align4j.core.model.TransformerModel;
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
import dev.align4j.core.train.internal.RunContext;
import dev.align4j.core.train.internal.TrainingLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a Bradley–Terry reward model: from a (SFT) policy, whose LM head is replaced by a zero-initialised scalar head
 * read at the last token of prompt + response, or further from an existing reward model (a refresh on new labels).
 * Evaluates held-out accuracy, margin, length bias and formatting sensitivity
 * ({@link RewardEvaluation#from(Map)} of the result's metrics).
 *
 * <p>With {@link LabelMode#SOFT} each pair's {@code p_chosen} is its target (a pair without one counts as p = 1,
 * and the log says how many did); held-out accuracy still counts {@code r_c > r_r} against the chosen side, and
 * {@code eval/soft_loss} adds the held-out cross-entropy against the soft labels, the one number that sees how well
 * the scores are calibrated to them. With hard labels, soft labels in the data are ignored with a logged warning.
 */
public final class RewardTrainer extends Trainer<RewardTrainer> {
  private static final Logger LOG = LoggerFactory.getLogger(RewardTrainer.class);

  private final RewardConfig config;
  private final Objective<RewardPairBatch> objective;

  private RewardTrainer(RewardConfig config, Objective<RewardPairBatch> objective, TrainerSettings settings) {
    super(settings);
    this.config = checkNotNull(config, "config");
    this.objective = checkNotNull(objective, "objective");
  }

  /** A trainer of {@code config} with its built-in {@link BradleyTerryObjective}. */
  public static RewardTrainer of(RewardConfig config) {
    return new RewardTrainer(config, config.objective(), TrainerSettings.defaults());
  }

  /** The configuration. */
  public RewardConfig config() {
    return config;
  }

  /** The same trainer with a user objective over chosen and rejected scores ({@link RewardPairBatch}). */
  public RewardTrainer objective(Objective<RewardPairBatch> newObjective) {
    return new RewardTrainer(config, newObjective, settings());
  }

  @Override
  protected RewardTrainer withSettings(TrainerSettings newSettings) {
    return new RewardTrainer(config, objective, newSettings);
  }

  /** Trains a reward model initialised from {@code policy}'s body; {@code eval} may be empty. */
  public TrainingResult<AlignRewardModel> train(AlignModel policy, List<PreferencePair> train,
      List<PreferencePair> eval) throws IOException {
    return run(policy.newScalarModel(config.training().maxLength()), policy.origin(), train, eval);
  }

  /** Trains a copy of an existing reward model further (for example on fresh labels); {@code eval} may be empty. */
  public TrainingResult<AlignRewardModel> train(AlignRewardModel start, List<PreferencePair> train,
      List<PreferencePair> eval) throws IOException {
    return run(start.withEncoding(new RewardEncoding(Math.min(config.training().maxLength(),
        start.transformer().config().maxPositions()))), start.origin(), train, eval);
  }

  private TrainingResult<AlignRewardModel> run(AlignRewardModel rm, String from, List<PreferencePair> train,
      List<PreferencePair> eval) throws IOException {
    TrainingArgs args = config.training();
    try (RunContext run = RunContext.open("rm", config.toMap(), settings(), args.threads())) {
      if (run.checkpoint().isPresent()) {
        AlignRewardModel resumed;
        try {
          resumed = rm.withWeightsFrom(run.checkpoint().get());
        } finally {
          rm.close();
        }
        rm = resumed;
      }
      try {
        TransformerModel model = rm.transformer();
        model.setTrainable(true);
        PolicyTokenizer tokens = rm.tokenizer();
        RewardEncoding encoding = rm.encoding();
        List<EncodedPair> trainPairs = encode(tokens, encoding, train, "training");
        List<EncodedPair> evalPairs = eval.isEmpty() ? List.of() : encode(tokens, encoding, eval, "evaluation");
        logLabelUse(train, "training");
        if (!eval.isEmpty()) {
          logLabelUse(eval, "evaluation");
        }
        if (config.marginMode() == MarginMode.GIVEN && trainPairs.stream().anyMatch(p -> p.margin().isEmpty())) {
          throw new IllegalArgumentException("margin mode 'given' needs a margin on every training pair; some pairs"
              + " have none (add \"margin\" to every line, or train without margins)");
        }
        List<Formatted> formatted = eval.isEmpty() ? List.of() : formattingPairs(tokens, encoding, eval);
        long total = args.totalSteps(trainPairs.size());
        Stage stage = new Stage(model, tokens.padId(), trainPairs, evalPairs, formatted,
            new BatchOrder(trainPairs.size(), args));
        TrainingLoop.Result r;
        try (NDManager optimizerManager = DjlSetup.newManager()) {
          r = OfflineRun.train("rm", args, run, model.parameters(), optimizerManager, rm::writeInto, total, stage);
        }
        model.setTrainable(false);
        rm.provenance(Provenance.of("rm", from, "preferences (" + train.size() + " pairs)",
            ConfigJson.of(config.toMap())));
        if (run.finalModel().isPresent()) {
          rm.save(run.finalModel().get());
        }
        return new TrainingResult<>(rm, total, r.last(), r.initial(), run.history(), run.root());
      } catch (IOException | RuntimeException | Error e) {
        rm.close();
        throw e;
      }
    }
  }

  private static List<EncodedPair> encode(PolicyTokenizer tokens, RewardEncoding encoding, List<PreferencePair> data,
      String what) {
    List<EncodedPair> out = new ArrayList<>();
    int truncated = 0;
    for (PreferencePair p : data) {
      TokenizedSequence c = tokens.promptResponse(p.prompt(), p.chosen());
      TokenizedSequence r = tokens.promptResponse(p.prompt(), p.rejected());
      if (encoding.truncates(c) || encoding.truncates(r)) {
        truncated++;
      }
      out.add(new EncodedPair(c.truncate(encoding.maxLength()), r.truncate(encoding.maxLength()), p.margin(),
          p.pChosen()));
    }
    LOG.info("rm {} data: {} pairs ({}); {} pairs truncated to max-length {}", what, out.size(),
        DataReport.of(data).summary(), truncated, encoding.maxLength());
    return out;
  }

  /** Says which soft labels and margins of {@code data} this configuration uses, and warns about those it ignores. */
  private void logLabelUse(List<PreferencePair> data, String what) {
    LabelUse use = LabelUse.of(data);
    use.info(config.labelMode()).forEach(line -> LOG.info("rm {} data: {}", what, line));
    use.warnings(config.labelMode(), config.marginMode()).forEach(line -> LOG.warn("rm {} data: {}", what, line));
  }

  /** A held-out response and its whitespace/punctuation-edited twin. */
  private record Formatted(TokenizedSequence original, TokenizedSequence edited) {}

  /** The probe pairs, encoded (and truncated) exactly as training pairs are. */
  private static List<Formatted> formattingPairs(PolicyTokenizer tokens, RewardEncoding encoding,
      List<PreferencePair> eval) {
    List<Formatted> out = new ArrayList<>();
    for (PreferencePair p : eval) {
      out.add(new Formatted(encoding.encode(tokens, p.prompt(), p.chosen()),
          encoding.encode(tokens, p.prompt(), FormattingEdit.apply(p.chosen()))));
    }
    return out;
  }

  private final class Stage implements TrainingLoop.Stage {
    private final TransformerModel rm;
    private final int padId;
    private final List<EncodedPair> train;
    private final List<EncodedPair> eval;
    private final List<Formatted> formatted;
    private final BatchOrder order;

    Stage(TransformerModel rm, int padId, List<EncodedPair> train, List<EncodedPair> eval, List<Formatted> formatted,
        BatchOrder order) {
      this.rm = rm;
      this.padId = padId;
      this.train = train;
      this.eval = eval;
      this.formatted = formatted;
      this.order = order;
    }

    @Override
    public List<MicroBatch> microBatches(long step) {
      List<MicroBatch> out = new ArrayList<>();
      for (int[] idx : order.microBatches(step)) {
        List<EncodedPair> pairs = new ArrayList<>();
        for (int i : idx) {
          pairs.add(train.get(i));
        }
        out.add(new MicroBatch() {
          @Override public double weight() {
            return pairs.size();
          }

          @Override public LossAndMetrics compute(NDManager m) {
            ObjectiveResult r = objective(m, pairs);
            return new LossAndMetrics(r.loss(), ObjectiveMetrics.scalars(r));
          }
        });
      }
      return out;
    }

    /** Chosen and rejected scored in one batch of 2N rows. */
    private ObjectiveResult objective(NDManager m, List<EncodedPair> pairs) {
      int n = pairs.size();
      int[][] rows = new int[2 * n][];
      float[] margins = new float[n];
      float[] pChosen = new float[n];
      for (int i = 0; i < n; i++) {
        rows[i] = pairs.get(i).chosen().ids();
        rows[n + i] = pairs.get(i).rejected().ids();
        margins[i] = (float) pairs.get(i).margin().orElse(0);
        pChosen[i] = (float) pairs.get(i).pChosenOrOne();
      }
      NDArray scores = ScalarScores.of(m, rm, rows, padId);                  // (2N)
      NDArray chosen = scores.get("0:" + n);
      NDArray rejected = scores.get(n + ":");
      Optional<NDArray> marginArray = config.marginMode() == MarginMode.GIVEN
          ? Optional.of(m.create(margins)) : Optional.empty();
      Optional<NDArray> pArray = config.labelMode() == LabelMode.SOFT ? Optional.of(m.create(pChosen))
          : Optional.empty();                                                // (N), 1 where the pair has no label
      return objective.compute(new RewardPairBatch(chosen, rejected, marginArray, pArray));
    }

    @Override
    public Map<String, Double> evaluate() {
      if (eval.isEmpty()) {
        return Map.of();
      }
      int batch = Math.max(1, config.training().batchSize());
      List<Double> responseScores = new ArrayList<>();
      List<Double> responseLengths = new ArrayList<>();
      double correct = 0;
      double margin = 0;
      double softLoss = 0;
      try (NDManager m = rm.manager().newSubManager()) {
        for (int i = 0; i < eval.size(); i += batch) {
          List<EncodedPair> part = eval.subList(i, Math.min(eval.size(), i + batch));
          try (NDManager mb = m.newSubManager()) {
            TokenizedSequence[] seqs = new TokenizedSequence[2 * part.size()];
            for (int j = 0; j < part.size(); j++) {
              seqs[j] = part.get(j).chosen();
              seqs[part.size() + j] = part.get(j).rejected();
            }
            int[][] rows = new int[seqs.length][];
            for (int j = 0; j < seqs.length; j++) {
              rows[j] = seqs[j].ids();
            }
            float[] s = ScalarScores.of(mb, rm, rows, padId).toFloatArray();
            for (int j = 0; j < part.size(); j++) {
              double d = s[j] - s[part.size() + j];
              correct += d > 0 ? 1 : 0;
              margin += d;
              softLoss += BradleyTerryObjective.softLoss(d, part.get(j).pChosenOrOne());
            }
            for (int j = 0; j < seqs.length; j++) {
              responseScores.add((double) s[j]);
              responseLengths.add((double) seqs[j].targetCount());   // response tokens, EOS included
            }
          }
        }
        double sensitivity = 0;
        for (int i = 0; i < formatted.size(); i += batch) {
          List<Formatted> part = formatted.subList(i, Math.min(formatted.size(), i + batch));
          int[][] rows = new int[2 * part.size()][];
          for (int j = 0; j < part.size(); j++) {
            rows[j] = part.get(j).original().ids();
            rows[part.size() + j] = part.get(j).edited().ids();
          }
          try (NDManager mb = m.newSubManager()) {
            float[] s = ScalarScores.of(mb, rm, rows, padId).toFloatArray();
            for (int j = 0; j < part.size(); j++) {
              sensitivity += Math.abs(s[part.size() + j] - s[j]);
            }
          }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("accuracy", correct / eval.size());
        out.put("margin", margin / eval.size());
        if (config.labelMode() == LabelMode.SOFT) {
          out.put("soft_loss", softLoss / eval.size());
        }
        out.put("length_correlation", RewardEvaluation.correlation(
            responseScores.stream().mapToDouble(Double::doubleValue).toArray(),
            responseLengths.stream().mapToDouble(Double::doubleValue).toArray()));
        out.put("formatting_sensitivity", formatted.isEmpty() ? 0 : sensitivity / formatted.size());
        return out;
      }
    }
  }
}
