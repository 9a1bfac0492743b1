package dev.align4j.core;

import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.Internal;
import dev.align4j.api.RewardModel;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.core.lora.AdapterFolders;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.ScalarScores;
import dev.align4j.core.model.TokenizerFiles;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.reward.RewardEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A scalar-head transformer with its tokenizer: a Bradley–Terry reward model (what {@code RewardTrainer} returns and
 * {@code align rm} writes), or PPO's value model. Scores a completion exactly as it was trained
 * ({@link RewardEncoding}: its own tokenizer and chat template, EOS appended, cut to the training max length) at the
 * last token. Saved as a {@code …ForSequenceClassification} folder ({@code score.weight}, {@code num_labels} 1).
 * Holds native memory: close it.
 */
public final class AlignRewardModel implements RewardModel, AutoCloseable {
  private static final int BATCH = 64;

  private final TransformerModel model;
  private final Tokenization text;
  private final RewardEncoding encoding;
  private final String origin;
  private Provenance provenance;
  private boolean closed;

  private AlignRewardModel(TransformerModel model, Tokenization text, RewardEncoding encoding, String origin) {
    this.model = model;
    this.text = text;
    this.encoding = encoding;
    this.origin = origin;
  }

  /** A model of these weights (scalar head) and text side; the model takes ownership of both. */
  static AlignRewardModel of(TransformerModel scalar, Tokenization text, int maxLength, String origin) {
    return new AlignRewardModel(scalar, text, new RewardEncoding(Math.min(maxLength, scalar.config().maxPositions())),
        origin);
  }

  /**
   * Loads a {@code …ForSequenceClassification} folder; a causal-LM folder loads with a zero-initialised head (a reward
   * model before training).
   */
  public static AlignRewardModel load(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + ": not a folder (expected a reward-model folder written by align rm)");
    }
    if (AdapterFolders.isAdapter(folder)) {
      return loadAdapter(folder, null);
    }
    Tokenization text = Tokenization.load(folder);
    try {
      TransformerModel m = ModelFolder.load(folder, HeadKind.SCALAR);
      m.setTrainable(false);
      return new AlignRewardModel(m, text, RewardEncoding.of(folder, m.config().maxPositions()), folder.toString());
    } catch (IOException | RuntimeException e) {
      text.close();
      throw e;
    }
  }

  /**
   * Loads a PEFT {@code SEQ_CLS} adapter folder (its score head in {@code modules_to_save}) onto its base and merges
   * it: the reward model the adapter trained, as a plain one.
   *
   * @param base the base folder, or null for the adapter's {@code base_model_name_or_path}
   * @throws IOException naming the file and what is wrong
   */
  public static AlignRewardModel loadAdapter(Path adapter, Path base) throws IOException {
    Path baseFolder = AdapterFolders.baseOf(adapter, base);
    Tokenization text = Tokenization.load(AdapterFolders.tokenizerFolder(adapter, baseFolder));
    try {
      TransformerModel m = AdapterFolders.loadMerged(adapter, baseFolder, HeadKind.SCALAR);
      m.setTrainable(false);
      return new AlignRewardModel(m, text, RewardEncoding.of(baseFolder, m.config().maxPositions()),
          adapter + " (adapter on " + baseFolder + ")");
    } catch (IOException | RuntimeException e) {
      text.close();
      throw e;
    }
  }

  /** Writes the model as a {@code …ForSequenceClassification} folder, atomically. */
  public void save(Path folder) throws IOException {
    open();
    ModelFolder.save(model, folder, text.files, provenance, extraConfig());
  }

  /** The scores of {@code samples}, one per sample, in order. */
  @Override
  public double[] score(List<CompletionSample> samples) {
    open();
    double[] out = new double[samples.size()];
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = model.manager().newSubManager()) {
      for (int i = 0; i < samples.size(); i += BATCH) {
        List<CompletionSample> part = samples.subList(i, Math.min(samples.size(), i + BATCH));
        int[][] rows = new int[part.size()][];
        for (int j = 0; j < rows.length; j++) {
          rows[j] = encoding.encode(text.tokens, part.get(j)).ids();
        }
        try (NDManager mb = m.newSubManager()) {
          float[] s = ScalarScores.of(mb, model, rows, text.tokenizer.padId()).toFloatArray();
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

  /** The tokenizer and chat template the model reads text with. */
  public PolicyTokenizer tokenizer() {
    return text.tokens;
  }

  /** How prompt and completion become the scored row. */
  public RewardEncoding encoding() {
    return encoding;
  }

  /** Where the model came from: its folder, or the model it was trained from. */
  public String origin() {
    return origin;
  }

  /** An independent copy (duplicated weights, shared tokenizer). */
  public AlignRewardModel copy() {
    open();
    AlignRewardModel c = new AlignRewardModel(model.frozenCopy(), text.share(), encoding, origin);
    c.provenance = provenance;
    return c;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      model.close();
      text.close();
    }
  }

  @Override
  public String toString() {
    return "AlignRewardModel[" + origin + "]";
  }

  // ---- for align4j's trainers ------------------------------------------------------------------------------------

  /** The scalar-head transformer. */
  @Internal
  public TransformerModel transformer() {
    open();
    return model;
  }

  /** The tokenizer files. */
  @Internal
  public TokenizerFiles tokenizerFiles() {
    return text.files;
  }

  /** A model of the same tokenizer and encoding with the weights of the checkpoint folder {@code dir}. */
  @Internal
  public AlignRewardModel withWeightsFrom(Path dir) throws IOException {
    open();
    AlignRewardModel c = new AlignRewardModel(ModelFolder.load(dir, HeadKind.SCALAR), text.share(), encoding, origin);
    c.provenance = provenance;
    return c;
  }

  /** A copy that reads text with {@code newEncoding} (the max length of a new training run). */
  @Internal
  public AlignRewardModel withEncoding(RewardEncoding newEncoding) {
    open();
    AlignRewardModel c = new AlignRewardModel(model.frozenCopy(), text.share(), newEncoding, origin);
    c.provenance = provenance;
    return c;
  }

  /** Writes the folder's files into {@code dir} (a checkpoint). */
  @Internal
  public void writeInto(Path dir) throws IOException {
    ModelFolder.writeInto(model, dir, text.files, null, extraConfig());
  }

  /** How the model was made, written beside its weights. */
  @Internal
  public void provenance(Provenance p) {
    this.provenance = p;
  }

  /** {@code pad_token_id} and the training max length, so a reloaded model pads and truncates as trained. */
  private ObjectNode extraConfig() {
    ObjectNode extra = new ObjectMapper().createObjectNode();
    extra.put("pad_token_id", text.tokenizer.padId());
    extra.put(RewardEncoding.CONFIG_KEY, encoding.maxLength());
    return extra;
  }

  private void open() {
    checkState(!closed, "this AlignRewardModel (%s) is closed", origin);
  }
}
