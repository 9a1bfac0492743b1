package dev.align4j.core.rl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.RewardModel;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.data.ExampleTokenizer;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import dev.align4j.core.reward.RewardEncoding;
import dev.align4j.core.reward.SequenceScores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An align4j reward-model folder as a {@link RewardModel}: prompt and completion are encoded exactly as the reward
 * model was trained ({@link RewardEncoding}: its own tokenizer and chat template, a conversational prompt's messages
 * rendered with the completion as the assistant turn, EOS appended, cut to the training max length) and scored at the
 * last token. Going through text lets the policy and the reward model have different tokenizers.
 */
public final class TransformerRewardModel implements RewardModel, AutoCloseable {
  private final TransformerModel model;
  private final TextTokenizer tokenizer;
  private final TemplateChatRendering chat;
  private final ExampleTokenizer tokens;
  private final RewardEncoding encoding;
  private final int batch;

  private TransformerRewardModel(TransformerModel model, TextTokenizer tokenizer, TemplateChatRendering chat,
      RewardEncoding encoding, int batch) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.chat = chat;
    this.tokens = new TextExampleTokenizer(tokenizer, chat);
    this.encoding = encoding;
    this.batch = batch;
  }

  /** Loads a reward-model folder (a {@code …ForSequenceClassification} folder written by {@code align rm}). */
  public static TransformerRewardModel load(Path folder) throws IOException {
    TextTokenizer tokenizer = TextTokenizer.load(folder);
    try {
      TransformerModel m = ModelFolder.load(folder, HeadKind.SCALAR);
      m.setTrainable(false);
      RewardEncoding encoding = RewardEncoding.of(folder, m.config().maxPositions());
      return new TransformerRewardModel(m, tokenizer, TemplateChatRendering.forFolder(folder).orElse(null), encoding,
          64);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  @Override
  public double[] score(List<CompletionSample> samples) {
    double[] out = new double[samples.size()];
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = model.manager().newSubManager()) {
      for (int i = 0; i < samples.size(); i += batch) {
        List<CompletionSample> part = samples.subList(i, Math.min(samples.size(), i + batch));
        int[][] rows = new int[part.size()][];
        for (int j = 0; j < rows.length; j++) {
          rows[j] = encoding.encode(tokens, part.get(j)).ids();
        }
        try (NDManager mb = m.newSubManager()) {
          float[] s = SequenceScores.of(mb, model, rows, tokenizer.padId()).toFloatArray();
          for (int j = 0; j < s.length; j++) {
            out[i + j] = s[j];
          }
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    return out;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
    if (chat != null) {
      chat.close();
    }
  }
}
