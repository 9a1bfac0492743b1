package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.SamplingParams;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.sft.SftConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The alignment loop's settings. Build with {@link #builder()}; each setter names its default.
 *
 * @param iterations loop iterations K, at least 1
 * @param promptsPerIteration fresh prompts per iteration P
 * @param samplesPerPrompt completions the policy samples per prompt N, at least 2 (a pair needs two)
 * @param pairing which pairs of a prompt's samples are candidates
 * @param labelsPerIteration pairs sent to the labeller per iteration B
 * @param acquisition how the B pairs are chosen
 * @param ensembleSize reward-model members when the loop trains an ensemble from the SFT model ({@link
 *     RewardRefresh#RETRAIN}); a fine-tune keeps the size of the ensemble it is given
 * @param conservative how the members' scores combine into the RL reward
 * @param refresh fine-tune the latest reward model, or retrain from SFT
 * @param replay whether a fine-tune also sees every earlier iteration's labels (against forgetting them)
 * @param reward the reward model's training settings for each refresh (one epoch, soft labels by default)
 * @param rl the RL pass of each iteration (GRPO); its seed is offset by the iteration so passes differ
 * @param reference the RL pass's KL reference
 * @param sftEvery refresh SFT every M iterations (after iterations M, 2M, … but the last); 0 never. A refresh
 *     fine-tunes the current SFT model on the loop's {@link DemonstrationSource}; the refreshed model is the KL
 *     reference and the forgetting baseline from the next iteration on
 * @param sft the SFT refresh's training settings
 * @param stalenessMargin the alarm fires when fresh accuracy falls below held-out accuracy by more than this
 * @param regressionFloor keep the previous policy when the new one's gold win-rate against it is below this
 * @param seed seeds sampling, labelling and the ensemble's resamples
 * @param sampling how the policy samples the candidates' completions
 */
public record LoopConfig(int iterations, int promptsPerIteration, int samplesPerPrompt, Pairing pairing,
    int labelsPerIteration, Acquisition acquisition, int ensembleSize, Conservative conservative,
    RewardRefresh refresh, boolean replay, RewardConfig reward, GrpoConfig rl, ReferencePolicy reference,
    int sftEvery, SftConfig sft, double stalenessMargin, double regressionFloor, long seed,
    SamplingParams sampling) {
  public LoopConfig {
    checkArgument(iterations >= 1, "iterations must be >= 1, got %s", iterations);
    checkArgument(promptsPerIteration >= 1, "prompts-per-iteration must be >= 1, got %s", promptsPerIteration);
    checkArgument(samplesPerPrompt >= 2, "samples-per-prompt must be >= 2 (a candidate pair needs two completions"
        + " of one prompt), got %s", samplesPerPrompt);
    checkNotNull(pairing, "pairing");
    checkArgument(labelsPerIteration >= 1, "labels-per-iteration must be >= 1, got %s", labelsPerIteration);
    checkNotNull(acquisition, "acquisition");
    checkArgument(ensembleSize >= 1, "ensemble must be >= 1 member, got %s", ensembleSize);
    checkNotNull(conservative, "conservative");
    checkNotNull(refresh, "refresh");
    checkNotNull(reward, "reward");
    checkNotNull(rl, "rl");
    checkNotNull(reference, "reference");
    checkArgument(sftEvery >= 0, "sft-every must be >= 0 (0 = never), got %s", sftEvery);
    checkNotNull(sft, "sft");
    checkArgument(stalenessMargin >= 0, "staleness-margin must be >= 0, got %s", stalenessMargin); // NaN fails
    checkArgument(regressionFloor >= 0 && regressionFloor <= 1, "regression-floor must be a win-rate in [0, 1] (0"
        + " turns the guard off), got %s", regressionFloor);
    checkNotNull(sampling, "sampling");
  }

  /**
   * A builder with the defaults: 3 iterations of 64 prompts, 2 samples each, all pairs, 16 labels by uncertainty,
   * one member averaged, fine-tune with replay for one epoch on soft labels, GRPO with its own (TRL's) defaults and
   * β 0.04, leashed to SFT, no SFT refresh (one epoch of TRL's SFT defaults when asked for), staleness margin 0.05,
   * regression floor 0.45, seed 42, sampling as the
   * RL pass samples.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Every setting under the command line's names, for {@code OUT/config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("iterations", iterations);
    m.put("prompts-per-iteration", promptsPerIteration);
    m.put("samples-per-prompt", samplesPerPrompt);
    m.put("pairing", pairing.name().toLowerCase(Locale.ROOT));
    m.put("labels-per-iteration", labelsPerIteration);
    m.put("acquisition", acquisition.name());
    m.put("ensemble", ensembleSize);
    m.put("conservative", name(conservative));
    m.put("refresh", refresh.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    m.put("replay", replay);
    m.put("reward", reward.toMap());
    m.put("rl", rl.toMap());
    m.put("reference", reference.name().toLowerCase(Locale.ROOT));
    m.put("sft-every", sftEvery);
    if (sftEvery > 0) {
      m.put("sft", sft.toMap());
    }
    m.put("staleness-margin", stalenessMargin);
    m.put("regression-floor", regressionFloor);
    m.put("seed", seed);
    m.put("temperature", sampling.temperature());
    m.put("top-k", sampling.topK());
    m.put("top-p", sampling.topP());
    m.put("max-new-tokens", sampling.maxNewTokens());
    return m;
  }

  /** The command line's name of an aggregation: {@code mean}, {@code worst} or {@code mean-std:λ}. */
  static String name(Conservative c) {
    if (c instanceof Conservative.Mean) {
      return "mean";
    }
    if (c instanceof Conservative.WorstCase) {
      return "worst";
    }
    if (c instanceof Conservative.MeanMinusStd s) {
      return "mean-std:" + s.lambda();
    }
    return c.toString();
  }

  /** Builds a {@link LoopConfig}. */
  public static final class Builder {
    private int iterations = 3;
    private int promptsPerIteration = 64;
    private int samplesPerPrompt = 2;
    private Pairing pairing = Pairing.ALL;
    private int labelsPerIteration = 16;
    private Acquisition acquisition = new Acquisition.Uncertainty();
    private int ensembleSize = 1;
    private Conservative conservative = new Conservative.Mean();
    private RewardRefresh refresh = RewardRefresh.FINE_TUNE;
    private boolean replay = true;
    // Soft labels cover both kinds the labellers give: a hard label is p = 1, a constitutional one p in (0, 1).
    private RewardConfig reward = RewardConfig.builder().epochs(1).labelMode(LabelMode.SOFT).build();
    // β 0.04 (TRL's GRPO default before 0.16) rather than GRPO's current 0: the loop's point is a policy leashed to
    // SFT while the reward model moves, and β 0 would load no reference at all.
    private GrpoConfig rl = GrpoConfig.builder().beta(0.04).build();
    private ReferencePolicy reference = ReferencePolicy.SFT;
    private int sftEvery;
    private SftConfig sft = SftConfig.builder().epochs(1).build();
    private double stalenessMargin = 0.05;
    private double regressionFloor = 0.45;
    private long seed = 42;
    private SamplingParams sampling;

    private Builder() {}

    /** Loop iterations; default 3. */
    public Builder iterations(int v) {
      this.iterations = v;
      return this;
    }

    /** Fresh prompts per iteration; default 64. */
    public Builder promptsPerIteration(int v) {
      this.promptsPerIteration = v;
      return this;
    }

    /** Completions per prompt, at least 2; default 2. */
    public Builder samplesPerPrompt(int v) {
      this.samplesPerPrompt = v;
      return this;
    }

    /** Which sample pairs are candidates; default all. */
    public Builder pairing(Pairing v) {
      this.pairing = v;
      return this;
    }

    /** Labels bought per iteration; default 16. */
    public Builder labelsPerIteration(int v) {
      this.labelsPerIteration = v;
      return this;
    }

    /** How pairs are chosen; default uncertainty (P(a ≻ b) nearest ½, Muldrew et al. 2024). */
    public Builder acquisition(Acquisition v) {
      this.acquisition = v;
      return this;
    }

    /** Members of an ensemble trained from SFT; default 1. */
    public Builder ensembleSize(int v) {
      this.ensembleSize = v;
      return this;
    }

    /** How member scores combine into the RL reward; default the mean. */
    public Builder conservative(Conservative v) {
      this.conservative = v;
      return this;
    }

    /** Fine-tune or retrain; default fine-tune. */
    public Builder refresh(RewardRefresh v) {
      this.refresh = v;
      return this;
    }

    /** Whether a fine-tune replays earlier labels; default true. */
    public Builder replay(boolean v) {
      this.replay = v;
      return this;
    }

    /** The reward model's training settings; default one epoch of TRL's reward defaults, soft labels. */
    public Builder reward(RewardConfig v) {
      this.reward = v;
      return this;
    }

    /** Each iteration's RL pass; default {@link GrpoConfig#builder()}'s (TRL's) defaults with β 0.04. */
    public Builder rl(GrpoConfig v) {
      this.rl = v;
      return this;
    }

    /** The KL reference; default SFT. */
    public Builder reference(ReferencePolicy v) {
      this.reference = v;
      return this;
    }

    /** SFT refresh cadence; default 0 (never). A loop with a cadence needs a demonstration source. */
    public Builder sftEvery(int v) {
      this.sftEvery = v;
      return this;
    }

    /** The SFT refresh's settings; default one epoch of {@link SftConfig#builder()}'s (TRL's) defaults. */
    public Builder sft(SftConfig v) {
      this.sft = v;
      return this;
    }

    /** Staleness alarm margin; default 0.05. */
    public Builder stalenessMargin(double v) {
      this.stalenessMargin = v;
      return this;
    }

    /** Regression guard's win-rate floor; default 0.45 (needs a gold scorer). */
    public Builder regressionFloor(double v) {
      this.regressionFloor = v;
      return this;
    }

    /** The loop's seed; default 42. */
    public Builder seed(long v) {
      this.seed = v;
      return this;
    }

    /** Candidate sampling; default the RL pass's sampling ({@code rl.rl().sampling()}). */
    public Builder sampling(SamplingParams v) {
      this.sampling = v;
      return this;
    }

    /** The configuration; throws {@link IllegalArgumentException} naming the first invalid field. */
    public LoopConfig build() {
      checkNotNull(rl, "rl");
      return new LoopConfig(iterations, promptsPerIteration, samplesPerPrompt, pairing, labelsPerIteration,
          acquisition, ensembleSize, conservative, refresh, replay, reward, rl, reference, sftEvery, sft,
          stalenessMargin, regressionFloor, seed, sampling == null ? rl.rl().sampling() : sampling);
    }
  }
}
