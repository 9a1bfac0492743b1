package dev.align4j.core.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.ExampleTokenizer;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.PaddedBatch;
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
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervised fine-tuning: completion-only cross-entropy over the demonstrations (prompt, system and user turns
 * masked), evaluated on held-out loss and per-token accuracy, checkpointed and resumable.
 */
public final class SftTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SftTrainer.class);

  private final SftConfig config;

  public SftTrainer(SftConfig config) {
    this.config = config;
  }

  /**
   * Trains {@code model} (a Hugging Face folder) on {@code train}, evaluating on {@code eval} (may be empty), writing
   * to {@code run}. A run folder with checkpoints resumes from the newest.
   */
  public SftResult train(Path model, Dataset<Demonstration> train, Dataset<Demonstration> eval, RunFolder run,
      ObjectNode resolvedConfig, List<TrainingListener> listeners) throws IOException {
    TrainingArgs args = config.training();
    OfflineRun offline = new OfflineRun("sft", args, run, resolvedConfig);
    Path start = offline.startFrom(model);
    try (Pretrained p = Pretrained.load(start);
        TemplateChatRendering chat = TemplateChatRendering.forFolder(start).orElse(null)) {
      ExampleTokenizer tokens = new TextExampleTokenizer(p.tokenizer(), chat);
      List<TokenizedSequence> trainSeqs = encode(tokens, train, "training");
      List<TokenizedSequence> evalSeqs = eval == null ? List.of() : encode(tokens, eval, "evaluation");
      LanguageModel lm = p.lm();
      long total = args.totalSteps(trainSeqs.size());
      Stage stage = new Stage(lm, trainSeqs, evalSeqs, new BatchOrder(trainSeqs.size(), args));
      TrainingLoop.Result result = offline.train(lm.model(), start, total, stage, listeners,
          Provenance.of("sft", model.toString(), "sft data (" + train.size() + " examples)", resolvedConfig), null);
      return new SftResult(offline.finalModel(), total, result.last(), result.initial());
    }
  }

  private List<TokenizedSequence> encode(ExampleTokenizer tokens, Dataset<Demonstration> data, String what) {
    int max = config.training().maxLength();
    List<TokenizedSequence> out = new ArrayList<>(data.size());
    int truncated = 0;
    int empty = 0;
    for (Demonstration d : data.examples()) {
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
        + " after truncation (skipped)", what, out.size(), data.report().summary(), truncated, max, empty);
    if (out.isEmpty() && what.equals("training")) {
      throw new IllegalArgumentException("no SFT example has a completion token within max-length " + max
          + "; raise --max-length");
    }
    return out;
  }

  /** The SFT stage for the training loop. */
  private final class Stage implements TrainingLoop.Stage {
    private final LanguageModel lm;
    private final List<TokenizedSequence> train;
    private final List<TokenizedSequence> eval;
    private final BatchOrder order;

    Stage(LanguageModel lm, List<TokenizedSequence> train, List<TokenizedSequence> eval, BatchOrder order) {
      this.lm = lm;
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
          Map<String, Double> metrics = new LinkedHashMap<>();
          metrics.put("num_tokens", r.metric("num_tokens"));
          metrics.put("mean_token_accuracy", r.metric("mean_token_accuracy"));
          metrics.put("entropy", r.metric("entropy"));
          return new LossAndMetrics(r.loss(), metrics);
        }
      };
    }

    /** Logits of the batch and the completion-only objective; labels at t are token t+1 where it is a target. */
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
      int window = lm.model().config().slidingWindow();
      PaddedBatch pb = segments != null ? PaddedBatch.packed(m, rows, segments, lm.padId(), window)
          : PaddedBatch.of(m, new dev.align4j.api.data.TokenBatch(rows, dev.align4j.api.data.TokenBatch.Padding.RIGHT),
              lm.padId(), window);
      int b = rows.length;
      int t = pb.width();
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
      NDArray logits = lm.model().logits(pb.input()).get(":, :-1, :");
      return new SftObjective(config.lossType()).compute(
          new SftBatch(logits, m.create(labels, new Shape(b, t - 1))));
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
      try (NDManager m = lm.model().manager().newSubManager()) {
        for (int i = 0; i < eval.size(); i += batch) {
          try (NDManager mb = m.newSubManager()) {
            ObjectiveResult r = forward(mb, eval.subList(i, Math.min(eval.size(), i + batch)));
            double n = r.metric("num_tokens");
            loss += r.lossValue() * n;
            correct += r.metric("mean_token_accuracy") * n;
            tokens += n;
          }
        }
      }
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("loss", loss / tokens);
      out.put("mean_token_accuracy", correct / tokens);
      return out;
    }
  }
}
