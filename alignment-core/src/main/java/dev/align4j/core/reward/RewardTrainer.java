package dev.align4j.core.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.ExampleTokenizer;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.tokenizer.TextTokenizer;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a Bradley–Terry reward model initialised from a (SFT) policy folder: the LM head is replaced by a
 * zero-initialised scalar head read at the last token of prompt + response. Evaluates held-out accuracy, margin,
 * length bias and formatting sensitivity; the final folder is a {@code …ForSequenceClassification} folder.
 */
public final class RewardTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(RewardTrainer.class);

  private final RewardConfig config;

  public RewardTrainer(RewardConfig config) {
    this.config = config;
  }

  /** What a reward-model run produced. */
  public record Result(Path finalModel, long steps, Map<String, Double> metrics, RewardEvaluation evaluation) {}

  /** Trains from {@code model} on {@code train}, evaluating on {@code eval} (may be null). */
  public Result train(Path model, Dataset<PreferencePair> train, Dataset<PreferencePair> eval, RunFolder run,
      ObjectNode resolvedConfig, List<TrainingListener> listeners) throws IOException {
    TrainingArgs args = config.training();
    OfflineRun offline = new OfflineRun("rm", args, run, resolvedConfig);
    Path start = offline.startFrom(model);
    try (TextTokenizer tokenizer = TextTokenizer.load(start);
        TemplateChatRendering chat = TemplateChatRendering.forFolder(start).orElse(null);
        TransformerModel rm = ModelFolder.load(start, HeadKind.SCALAR)) {
      ExampleTokenizer tokens = new TextExampleTokenizer(tokenizer, chat);
      RewardEncoding encoding = new RewardEncoding(args.maxLength());
      List<EncodedPair> trainPairs = encode(tokens, encoding, train, "training");
      List<EncodedPair> evalPairs = eval == null ? List.of() : encode(tokens, encoding, eval, "evaluation");
      if (config.marginMode() == MarginMode.GIVEN && trainPairs.stream().anyMatch(p -> p.margin().isEmpty())) {
        throw new IllegalArgumentException("margin mode 'given' needs a margin on every training pair; some lines "
            + "have none (add \"margin\" to every line, or train without margins)");
      }
      List<Formatted> formatted = eval == null ? List.of() : formattingPairs(tokens, encoding, eval);
      long total = args.totalSteps(trainPairs.size());
      Stage stage = new Stage(rm, tokenizer.padId(), trainPairs, evalPairs, formatted,
          new BatchOrder(trainPairs.size(), args));
      ObjectNode extra = resolvedConfig.objectNode();
      extra.put("pad_token_id", tokenizer.padId());
      extra.put(RewardEncoding.CONFIG_KEY, args.maxLength());   // so that RL scores rows cut as training cut them
      TrainingLoop.Result r = offline.train(rm, start, total, stage, listeners,
          Provenance.of("rm", model.toString(), "preferences (" + train.size() + " pairs)", resolvedConfig), extra);
      Map<String, Double> last = r.last();
      RewardEvaluation ev = new RewardEvaluation(last.getOrDefault("eval/accuracy", Double.NaN),
          last.getOrDefault("eval/margin", Double.NaN), last.getOrDefault("eval/length_correlation", Double.NaN),
          last.getOrDefault("eval/formatting_sensitivity", Double.NaN));
      return new Result(offline.finalModel(), total, last, ev);
    }
  }

  private static List<EncodedPair> encode(ExampleTokenizer tokens, RewardEncoding encoding,
      Dataset<PreferencePair> data, String what) {
    List<EncodedPair> out = new ArrayList<>();
    int truncated = 0;
    for (PreferencePair p : data.examples()) {
      TokenizedSequence c = tokens.promptResponse(p.prompt(), p.chosen());
      TokenizedSequence r = tokens.promptResponse(p.prompt(), p.rejected());
      if (encoding.truncates(c) || encoding.truncates(r)) {
        truncated++;
      }
      out.add(new EncodedPair(c.truncate(encoding.maxLength()), r.truncate(encoding.maxLength()), p.margin()));
    }
    LOG.info("rm {} data: {} pairs ({}); {} pairs truncated to max-length {}", what, out.size(),
        data.report().summary(), truncated, encoding.maxLength());
    return out;
  }

  /** A held-out response and its whitespace/punctuation-edited twin. */
  private record Formatted(TokenizedSequence original, TokenizedSequence edited) {}

  /** The probe pairs, encoded (and truncated) exactly as training pairs are. */
  private static List<Formatted> formattingPairs(ExampleTokenizer tokens, RewardEncoding encoding,
      Dataset<PreferencePair> eval) {
    List<Formatted> out = new ArrayList<>();
    for (PreferencePair p : eval.examples()) {
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
            return new LossAndMetrics(r.loss(), Map.of("accuracy", r.metric("accuracy"), "margin",
                r.metric("margin")));
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
      for (int i = 0; i < n; i++) {
        rows[i] = pairs.get(i).chosen().ids();
        rows[n + i] = pairs.get(i).rejected().ids();
        margins[i] = (float) pairs.get(i).margin().orElse(0);
      }
      NDArray scores = SequenceScores.of(m, rm, rows, padId);                 // (2N)
      NDArray chosen = scores.get("0:" + n);
      NDArray rejected = scores.get(n + ":");
      Optional<NDArray> marginArray = config.marginMode() == MarginMode.GIVEN
          ? Optional.of(m.create(margins)) : Optional.empty();
      return config.objective().compute(new RewardPairBatch(chosen, rejected, marginArray));
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
            float[] s = SequenceScores.of(mb, rm, rows, padId).toFloatArray();
            for (int j = 0; j < part.size(); j++) {
              double d = s[j] - s[part.size() + j];
              correct += d > 0 ? 1 : 0;
              margin += d;
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
            float[] s = SequenceScores.of(mb, rm, rows, padId).toFloatArray();
            for (int j = 0; j < part.size(); j++) {
              sensitivity += Math.abs(s[part.size() + j] - s[j]);
            }
          }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("accuracy", correct / eval.size());
        out.put("margin", margin / eval.size());
        out.put("length_correlation", RewardEvaluation.correlation(
            responseScores.stream().mapToDouble(Double::doubleValue).toArray(),
            responseLengths.stream().mapToDouble(Double::doubleValue).toArray()));
        out.put("formatting_sensitivity", formatted.isEmpty() ? 0 : sensitivity / formatted.size());
        return out;
      }
    }
  }
}
