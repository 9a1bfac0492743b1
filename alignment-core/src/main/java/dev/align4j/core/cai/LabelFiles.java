package dev.align4j.core.cai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.judge.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The preference phase's output folder: {@code preferences.jsonl} (TRL's {@code prompt}/{@code chosen}/{@code
 * rejected} plus {@code p_chosen} ≥ ½, labelled pairs only), {@code labels.jsonl} (every pair: its outcome, each
 * vote's principle, order, probability and raw judge text, the judge id, template and constitution hashes) and
 * {@code labeller.json} (the {@link LabellerReport}). Each file is written atomically.
 */
public final class LabelFiles {
  private LabelFiles() {}

  /**
   * Writes the three files into {@code out}.
   *
   * @param templateSha256 the judge's question template hash, or {@code none} for a judge without one
   */
  public static void write(Path out, ConstitutionalLabeller labeller, List<PairLabel> labels, LabellerReport report,
      String templateSha256) throws IOException {
    Files.createDirectories(out);
    String constitution = labeller.constitution().sha256();
    List<ObjectNode> preferences = new ArrayList<>();
    List<ObjectNode> rows = new ArrayList<>();
    for (PairLabel l : labels) {
      if (l.outcome() instanceof Outcome.Preferred p) {
        boolean first = p.pFirst() >= 0.5;
        ObjectNode o = CaiJson.JSON.createObjectNode();
        o.set("prompt", CaiJson.text(l.pair().prompt()));
        o.put("chosen", first ? l.pair().first() : l.pair().second());
        o.put("rejected", first ? l.pair().second() : l.pair().first());
        o.put("p_chosen", first ? p.pFirst() : 1 - p.pFirst());
        preferences.add(o);
      }
      rows.add(row(l, labeller, templateSha256, constitution));
    }
    CaiJson.writeLines(out.resolve("preferences.jsonl"), preferences);
    CaiJson.writeLines(out.resolve("labels.jsonl"), rows);
    CaiJson.writeDocument(out.resolve("labeller.json"), report(report, labeller, templateSha256));
  }

  /**
   * Writes only {@code labeller.json}: the diagnostics of a run whose labels were refused (their agreement with the
   * reference labels was below what the user required), so that no label of it can be trained on by mistake.
   * Earlier {@code preferences.jsonl} and {@code labels.jsonl} in {@code out} are removed for the same reason.
   */
  public static void writeReport(Path out, ConstitutionalLabeller labeller, LabellerReport report,
      String templateSha256) throws IOException {
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve("preferences.jsonl"));
    Files.deleteIfExists(out.resolve("labels.jsonl"));
    CaiJson.writeDocument(out.resolve("labeller.json"), report(report, labeller, templateSha256));
  }

  private static ObjectNode row(PairLabel l, ConstitutionalLabeller labeller, String template, String constitution) {
    ObjectNode o = CaiJson.JSON.createObjectNode();
    o.put("id", l.pair().id());
    o.put("outcome", l.outcome().kind());
    CaiJson.putNumber(o, "p_first", l.pCompletion0());
    String reason = reason(l.outcome());
    if (reason != null) {
      o.put("reason", reason);
    }
    l.reference().ifPresent(r -> o.put("label", r));
    var votes = o.putArray("votes");
    for (Vote v : l.votes()) {
      ObjectNode j = votes.addObject();
      j.put("principle", v.principle());
      j.put("order", v.order());
      j.put("outcome", v.judgement().outcome().kind());
      CaiJson.putNumber(j, "p_shown_first", v.pShownFirst());
      CaiJson.putNumber(j, "p_first", v.pCompletion0());
      String why = reason(v.judgement().outcome());
      if (why != null) {
        j.put("reason", why);
      }
      j.put("raw", v.judgement().raw());
    }
    o.put("judge", labeller.judge().id());
    o.put("template_sha256", template);
    o.put("constitution_sha256", constitution);
    return o;
  }

  private static String reason(Outcome o) {
    if (o instanceof Outcome.Invalid i) {
      return i.reason();
    }
    if (o instanceof Outcome.Refused r) {
      return r.reason();
    }
    if (o instanceof Outcome.Failed f) {
      return f.error();
    }
    return null;
  }

  /** {@code labeller.json}: the report's counts and rates, the settings and the provenance. */
  static ObjectNode report(LabellerReport r, ConstitutionalLabeller labeller, String template) {
    ObjectNode o = CaiJson.JSON.createObjectNode();
    o.put("pairs", r.pairs());
    o.put("labelled", r.labelled());
    o.put("ties", r.ties());
    o.put("invalid", r.invalid());
    o.put("refused", r.refused());
    o.put("failed", r.failed());
    CaiJson.putNumber(o, "position_consistency", r.positionConsistency());
    CaiJson.putNumber(o, "first_position_rate", r.firstPositionRate());
    CaiJson.putNumber(o, "mean_abs_p_minus_half", r.meanDecisiveness());
    agreement(o, r.agreement());
    ObjectNode per = o.putObject("per_principle");
    r.perPrinciple().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> {
      ObjectNode p = per.putObject(e.getKey());
      p.put("questions", e.getValue().questions());
      CaiJson.putNumber(p, "position_consistency", e.getValue().positionConsistency());
      CaiJson.putNumber(p, "first_position_rate", e.getValue().firstPositionRate());
      agreement(p, e.getValue().agreement());
    });
    ConstitutionalLabeller.Settings s = labeller.settings();
    ObjectNode settings = o.putObject("settings");
    settings.put("both_orders", s.bothOrders());
    settings.put("principles_per_pair", s.principlesPerPair());
    settings.put("chain_of_thought", s.chainOfThought());
    settings.put("seed", s.seed());
    settings.put("tie_tolerance", s.tieTolerance());
    o.put("judge", labeller.judge().id());
    o.put("template_sha256", template);
    o.put("constitution", labeller.constitution().name());
    o.put("constitution_sha256", labeller.constitution().sha256());
    return o;
  }

  private static void agreement(ObjectNode o, Agreement a) {
    if (a.n() == 0) {
      return;
    }
    o.put("agreement_n", a.n());
    o.put("agreement", a.rate());
    o.putArray("agreement_95ci").add(a.low()).add(a.high());
  }
}
