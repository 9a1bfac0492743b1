package dev.align4j.core.cai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The supervised phase's output folder: {@code sft.jsonl} (TRL's {@code messages} format: the prompt's turns and the
 * final revision as the assistant turn; revised tasks only) and {@code revisions.jsonl} (every task: the first
 * answer, each round's principle, critique and revision, the reviser id and the constitution hash, or why it was
 * dropped). Each file is written atomically.
 */
public final class RevisionFiles {
  private RevisionFiles() {}

  /** Writes both files into {@code out}. */
  public static void write(Path out, CritiqueRevision phase, List<RevisionRecord> records) throws IOException {
    Files.createDirectories(out);
    String constitution = phase.constitution().sha256();
    List<ObjectNode> sft = new ArrayList<>();
    List<ObjectNode> rows = new ArrayList<>();
    for (RevisionRecord r : records) {
      r.revision().ifPresent(text -> {
        List<Message> turns = new ArrayList<>(CritiqueRevision.turns(r.prompt()));
        turns.add(new Message("assistant", text));
        ObjectNode o = CaiJson.JSON.createObjectNode();
        o.set("messages", CaiJson.messages(turns));
        sft.add(o);
      });
      ObjectNode o = CaiJson.JSON.createObjectNode();
      o.put("id", r.id());
      o.set("prompt", CaiJson.text(r.prompt()));
      o.put("initial", r.initialAnswer());
      ArrayNode rounds = o.putArray("rounds");
      for (RevisionRecord.Round round : r.rounds()) {
        ObjectNode x = rounds.addObject().put("principle", round.principle());
        round.critique().ifPresent(c -> x.put("critique", c));
        x.put("revision", round.revision());
      }
      r.revision().ifPresent(t -> o.put("revision", t));
      r.dropReason().ifPresent(t -> o.put("dropped", t));
      o.put("reviser", phase.reviser().id());
      o.put("constitution_sha256", constitution);
      rows.add(o);
    }
    CaiJson.writeLines(out.resolve("sft.jsonl"), sft);
    CaiJson.writeLines(out.resolve("revisions.jsonl"), rows);
  }
}
