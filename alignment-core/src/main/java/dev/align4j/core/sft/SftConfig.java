package dev.align4j.core.sft;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.core.train.TrainingArgs;
import dev.align4j.core.train.VariantNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Supervised fine-tuning (TRL's {@code SFTConfig}). Build with {@link #builder()}:
 * {@code SftConfig.builder().learningRate(2e-5).maxSteps(300).build()}.
 *
 * @param training the shared training options
 * @param lossType NLL (cross-entropy) or DFT
 * @param packing one example per row, or packed rows
 */
public record SftConfig(TrainingArgs training, SftLossType lossType, Packing packing) {
  public SftConfig {
    checkNotNull(training, "training");
    checkNotNull(lossType, "lossType");
    checkNotNull(packing, "packing");
  }

  /** A builder with TRL's SFT defaults: learning rate 2e-5, 3 epochs, batch 8, max length 1024, NLL, no packing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder().training(training).lossType(lossType).packing(packing);
  }

  /** Every option under the command line's names, for {@code config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(training.toMap());
    m.put("loss-type", VariantNames.of(lossType));
    m.put("packing", packing == Packing.PACKED);
    return m;
  }

  /** Builds an {@link SftConfig}; each setter names its default and TRL's field. */
  public static final class Builder extends TrainingArgs.AbstractBuilder<Builder> {
    private SftLossType lossType = SftLossType.NLL;
    private Packing packing = Packing.NONE;

    Builder() {
      learningRate(2e-5);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The per-token loss; default NLL ({@code loss_type} "nll"; "dft" is Dynamic Fine-Tuning). */
    public Builder lossType(SftLossType v) {
      this.lossType = v;
      return this;
    }

    /** Whether rows pack several examples; default none ({@code packing} False). */
    public Builder packing(Packing v) {
      this.packing = v;
      return this;
    }

    /** The configuration; throws {@link IllegalArgumentException} naming the first invalid field. */
    public SftConfig build() {
      return new SftConfig(trainingArgs(), lossType, packing);
    }
  }
}
