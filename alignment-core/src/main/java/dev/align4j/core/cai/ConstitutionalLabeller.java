package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.hash.Hashing;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Comparison;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Judge;
import dev.align4j.api.judge.Judgement;
import dev.align4j.api.judge.Labeller;
import dev.align4j.api.judge.Outcome;
import dev.align4j.api.judge.Principle;
import dev.align4j.core.data.LabelRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AI preference labels from a constitution (Bai et al. 2022, the preference phase): for each pair, principles drawn
 * with the seed (one by default, as the paper samples one per label), each asked of the judge as a multiple-choice
 * question, in both orders by default (Lee et al. 2023, RLAIF: labellers favour a position, and averaging the two
 * orders cancels it). The label is soft: the mean over the votes of the probability that completion 0 is better.
 * With chain of thought each vote is clamped to [0.4, 0.6] first, as in the paper (reasoned answers are
 * over-confident).
 *
 * <p>Outcomes stay typed: if any vote failed the pair is {@link Outcome.Failed}, else refused, else invalid; only
 * when every vote is a preference or a tie does the pair get a label, and a mean within {@code tieTolerance} of ½ is a
 * {@link Outcome.Tie}. Nothing turns a failure into a side.
 */
public final class ConstitutionalLabeller implements Labeller {
  private static final Logger LOG = LoggerFactory.getLogger(ConstitutionalLabeller.class);

  private final Constitution constitution;
  private final List<Principle> principles;
  private final Judge judge;
  private final Settings settings;

  private ConstitutionalLabeller(Constitution constitution, Judge judge, Settings settings) {
    this.constitution = checkNotNull(constitution, "constitution");
    this.principles = constitution.comparable();
    checkArgument(!principles.isEmpty(), "constitution %s has no principle with a comparison question: the"
        + " preference phase needs at least one (add \"comparison\" to a principle)", constitution.name());
    checkArgument(settings.principlesPerPair() <= principles.size(), "principles-per-pair %s exceeds the %s"
        + " principles with a comparison question in constitution %s", settings.principlesPerPair(),
        principles.size(), constitution.name());
    this.judge = checkNotNull(judge, "judge");
    this.settings = settings;
  }

  /** A labeller with the given settings. */
  public static ConstitutionalLabeller of(Constitution constitution, Judge judge, Settings settings) {
    return new ConstitutionalLabeller(constitution, judge, checkNotNull(settings, "settings"));
  }

  /** A labeller with the default settings (both orders, one principle per pair, no chain of thought, seed 0). */
  public static ConstitutionalLabeller of(Constitution constitution, Judge judge) {
    return of(constitution, judge, Settings.builder().build());
  }

  @Override
  public String id() {
    return "constitutional(" + judge.id() + ", constitution " + constitution.sha256().substring(0, 12) + ")";
  }

  public Judge judge() {
    return judge;
  }

  public Constitution constitution() {
    return constitution;
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public List<Outcome> label(List<CandidatePair> pairs) {
    return labelAll(pairs.stream().map(p -> new LabelRequest(p, OptionalInt.empty())).toList()).stream()
        .map(PairLabel::outcome).toList();
  }

  /** Labels each request, keeping every vote; asks the judge {@code batchSize} pairs at a time. */
  public List<PairLabel> labelAll(List<LabelRequest> requests) {
    List<PairLabel> out = new ArrayList<>(requests.size());
    for (int start = 0; start < requests.size(); start += settings.batchSize()) {
      List<LabelRequest> chunk = requests.subList(start, Math.min(requests.size(), start + settings.batchSize()));
      List<Comparison> questions = new ArrayList<>();
      List<List<Asked>> shapes = new ArrayList<>();
      for (LabelRequest r : chunk) {
        List<Asked> shape = new ArrayList<>();
        for (Principle p : principlesFor(r.pair())) {
          Comparison ab = new Comparison(p, r.pair().prompt(), r.pair().first(), r.pair().second(),
              settings.chainOfThought());
          questions.add(ab);
          shape.add(new Asked(p.id(), false));
          if (settings.bothOrders()) {
            questions.add(ab.swapped());
            shape.add(new Asked(p.id(), true));
          }
        }
        shapes.add(shape);
      }
      List<Judgement> answers = judge.judge(questions);
      checkArgument(answers.size() == questions.size(), "judge %s returned %s judgements for %s questions",
          judge.id(), answers.size(), questions.size());
      int k = 0;
      for (int i = 0; i < chunk.size(); i++) {
        List<Vote> votes = new ArrayList<>();
        for (Asked a : shapes.get(i)) {
          votes.add(new Vote(a.principle(), a.swapped(), answers.get(k++)));
        }
        out.add(new PairLabel(chunk.get(i).pair(), votes, combine(votes), chunk.get(i).reference()));
      }
      LOG.debug("labelled {}/{} pairs", Math.min(requests.size(), start + settings.batchSize()), requests.size());
    }
    return out;
  }

  /** Which question a judgement answers. */
  private record Asked(String principle, boolean swapped) {}

  /** The principles asked for {@code pair}: drawn by the seed and the pair's id, so a rerun draws the same. */
  List<Principle> principlesFor(CandidatePair pair) {
    long h = Hashing.sha256().newHasher().putLong(settings.seed()).putString(pair.id(), StandardCharsets.UTF_8)
        .hash().asLong();
    List<Principle> shuffled = new ArrayList<>(principles);
    Collections.shuffle(shuffled, new Random(h));
    return shuffled.subList(0, settings.principlesPerPair());
  }

  private Outcome combine(List<Vote> votes) {
    for (Class<?> worst : List.of(Outcome.Failed.class, Outcome.Refused.class, Outcome.Invalid.class)) {
      for (Vote v : votes) {
        if (worst.isInstance(v.judgement().outcome())) {
          return v.judgement().outcome();
        }
      }
    }
    double sum = 0;
    for (Vote v : votes) {
      double p = v.pCompletion0();
      sum += settings.chainOfThought() ? Math.min(0.6, Math.max(0.4, p)) : p;
    }
    double p = sum / votes.size();
    return Math.abs(p - 0.5) <= settings.tieTolerance() ? new Outcome.Tie() : new Outcome.Preferred(p);
  }

  /**
   * How the labeller asks.
   *
   * @param bothOrders ask each question with the completions in both orders and average (default true)
   * @param principlesPerPair principles drawn per pair, averaged (default 1, as the paper)
   * @param chainOfThought the judge reasons before answering; votes clamped to [0.4, 0.6] (default false)
   * @param seed draws the principles (default 0)
   * @param tieTolerance a mean this close to ½ is a tie (default 1e-9: only an exact balance, up to rounding)
   * @param batchSize pairs per judge call (default 64)
   */
  public record Settings(boolean bothOrders, int principlesPerPair, boolean chainOfThought, long seed,
      double tieTolerance, int batchSize) {
    public Settings {
      checkArgument(principlesPerPair >= 1, "principles-per-pair must be >= 1, got %s", principlesPerPair);
      checkArgument(tieTolerance >= 0 && tieTolerance < 0.5, "tie-tolerance must be in [0, 0.5), got %s",
          tieTolerance);
      checkArgument(batchSize >= 1, "batch-size must be >= 1, got %s", batchSize);
    }

    public static Builder builder() {
      return new Builder();
    }

    public Builder toBuilder() {
      return new Builder().bothOrders(bothOrders).principlesPerPair(principlesPerPair).chainOfThought(chainOfThought)
          .seed(seed).tieTolerance(tieTolerance).batchSize(batchSize);
    }

    /** Builds {@link Settings}; each setter names its default. */
    public static final class Builder {
      private boolean bothOrders = true;
      private int principlesPerPair = 1;
      private boolean chainOfThought = false;
      private long seed = 0;
      private double tieTolerance = 1e-9;
      private int batchSize = 64;

      /** Ask both orders and average; default true. */
      public Builder bothOrders(boolean v) {
        bothOrders = v;
        return this;
      }

      /** Principles drawn per pair; default 1. */
      public Builder principlesPerPair(int v) {
        principlesPerPair = v;
        return this;
      }

      /** Reason before answering, votes clamped to [0.4, 0.6]; default false. */
      public Builder chainOfThought(boolean v) {
        chainOfThought = v;
        return this;
      }

      /** Seed of the principle draws; default 0. */
      public Builder seed(long v) {
        seed = v;
        return this;
      }

      /** Distance from ½ within which a label is a tie; default 1e-9. */
      public Builder tieTolerance(double v) {
        tieTolerance = v;
        return this;
      }

      /** Pairs per judge call; default 64. */
      public Builder batchSize(int v) {
        batchSize = v;
        return this;
      }

      public Settings build() {
        return new Settings(bothOrders, principlesPerPair, chainOfThought, seed, tieTolerance, batchSize);
      }
    }
  }
}
