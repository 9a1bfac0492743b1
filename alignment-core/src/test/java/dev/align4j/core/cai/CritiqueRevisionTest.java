package dev.align4j.core.cai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import dev.align4j.api.judge.Reviser;
import dev.align4j.api.judge.RevisionStep;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskWorld;
import dev.align4j.core.task.WorldReviser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CritiqueRevisionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Annotator demonstrations of training prompts: right 70 % of the time, filler 10 %. */
  private static List<RevisionTask> demonstrations(int n, long seed) {
    Random r = new Random(seed);
    List<RevisionTask> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Task t = WorldPairs.WORLD.sample(r, TaskWorld.Split.TRAIN);
      out.add(new RevisionTask("task-" + i, Text.plain(t.promptText()), WorldPairs.WORLD.annotate(t, r)));
    }
    return out;
  }

  private static double gold(List<RevisionTask> tasks, List<String> answers) {
    int good = 0;
    for (int i = 0; i < tasks.size(); i++) {
      Task t = WorldPairs.WORLD.parse(((Text.Plain) tasks.get(i).prompt()).text()).orElseThrow();
      good += WorldPairs.WORLD.judge(t, answers.get(i)).gold() ? 1 : 0;
    }
    return good / (double) tasks.size();
  }

  @Test
  void revisionsFollowThePrinciplesMoreThanTheDemonstrations() {
    List<RevisionTask> tasks = demonstrations(600, 21);
    double before = gold(tasks, tasks.stream().map(RevisionTask::initialAnswer).toList());
    WorldReviser reviser = WorldReviser.defaults(WorldPairs.WORLD, 3);
    double[] after = new double[5];
    for (int rounds : new int[] {1, 4}) {
      List<RevisionRecord> records = CritiqueRevision.of(WorldPairs.constitution(), reviser,
          CritiqueRevision.Settings.builder().rounds(rounds).build()).run(tasks);
      assertTrue(records.stream().allMatch(r -> r.rounds().size() == rounds), "every task ran every round");
      after[rounds] = gold(tasks, records.stream().map(r -> r.revision().orElseThrow()).toList());
    }
    // 600 tasks: a standard error of at most 0.02 on each share
    assertTrue(after[1] > before + 0.04, "one round: " + before + " -> " + after[1]);
    assertTrue(after[4] > after[1] + 0.04, "four rounds: " + after[1] + " -> " + after[4]);
  }

  @Test
  void emptyRevisionsAndFailuresAreDroppedAndCounted(@TempDir Path out) throws Exception {
    Reviser flaky = new Reviser() {
      @Override public String id() {
        return "flaky";
      }

      @Override public List<ChatReply> critique(List<RevisionStep> steps) {
        return steps.stream().map(s -> s.answer().equals("refuse") ? (ChatReply) new ChatReply.Refusal("no")
            : new ChatReply.Answer("critique of " + s.answer(), List.of(), "stop")).toList();
      }

      @Override public List<ChatReply> revise(List<RevisionStep> steps) {
        return steps.stream().map(s -> s.answer().equals("empty") ? (ChatReply) new ChatReply.Answer("  ", List.of(),
            "stop") : s.answer().equals("fail") ? new ChatReply.Failure("timeout")
            : new ChatReply.Answer(s.answer() + "!", List.of(), "stop")).toList();
      }
    };
    List<RevisionTask> tasks = new ArrayList<>();
    for (String a : List.of("ok", "empty", "fail", "refuse")) {
      tasks.add(new RevisionTask(a, Text.plain("q"), a));
    }
    CritiqueRevision phase = CritiqueRevision.of(WorldPairs.constitution(), flaky,
        CritiqueRevision.Settings.builder().rounds(2).build());
    List<RevisionRecord> records = phase.run(tasks);
    assertEquals("ok!!", records.get(0).revision().orElseThrow());
    assertEquals("round 1 revision is empty", records.get(1).dropReason().orElseThrow());
    assertEquals("round 1 revision failed: timeout", records.get(2).dropReason().orElseThrow());
    assertEquals("round 1 critique refused: no", records.get(3).dropReason().orElseThrow());

    RevisionFiles.write(out, phase, records);
    List<String> sft = Files.readAllLines(out.resolve("sft.jsonl"));
    assertEquals(1, sft.size(), "only the revised task is an SFT target");
    JsonNode messages = JSON.readTree(sft.get(0)).get("messages");
    assertEquals("user", messages.get(0).get("role").asText());
    assertEquals("q", messages.get(0).get("content").asText());
    assertEquals("assistant", messages.get(1).get("role").asText());
    assertEquals("ok!!", messages.get(1).get("content").asText());
    List<String> rows = Files.readAllLines(out.resolve("revisions.jsonl"));
    assertEquals(4, rows.size(), "every task is recorded, dropped ones with their reason");
    JsonNode first = JSON.readTree(rows.get(0));
    assertEquals(2, first.get("rounds").size());
    assertEquals("critique of ok", first.get("rounds").get(0).get("critique").asText());
    assertEquals(WorldPairs.constitution().sha256(), first.get("constitution_sha256").asText());
    assertEquals("round 1 revision is empty", JSON.readTree(rows.get(1)).get("dropped").asText());
  }

  /** A chat model that answers each request with the number of messages it saw and records the requests. */
  private static final class Recorder implements ChatModel {
    final List<ChatRequest> seen = new ArrayList<>();

    @Override public String id() {
      return "recorder";
    }

    @Override public List<ChatReply> chat(List<ChatRequest> requests) {
      seen.addAll(requests);
      return requests.stream().map(r -> (ChatReply) new ChatReply.Answer("reply " + r.messages().size(), List.of(),
          "stop")).toList();
    }
  }

  @Test
  void aChatModelSeesTheFewShotsThenThePaperExchange() {
    Principle p = Principle.of("p", "Critique it.", "Revise it.", "Which?");
    List<Message> shot = List.of(new Message("user", "shot q"), new Message("assistant", "shot a"));
    Constitution c = new Constitution("c", List.of(p), List.of(shot));
    Recorder model = new Recorder();
    CritiqueRevision phase = CritiqueRevision.of(c, new ChatReviser(model, c.fewShot(), ChatOptions.greedy(64)),
        CritiqueRevision.Settings.builder().rounds(2).build());
    RevisionRecord r = phase.run(List.of(new RevisionTask("0", Text.plain("question"), "first"))).get(0);
    assertEquals(4, model.seen.size(), "critique, revision, critique, revision");
    List<String> second = model.seen.get(3).messages().stream().map(m -> m.role() + ":" + m.content()).toList();
    assertEquals(List.of("user:shot q", "assistant:shot a", "user:question", "assistant:first", "user:Critique it.",
        "assistant:reply 5", "user:Revise it.", "assistant:reply 7", "user:Critique it.", "assistant:reply 9",
        "user:Revise it."), second, "round 2 revises after the whole exchange of round 1 and its own critique");
    assertEquals("reply 11", r.revision().orElseThrow());
  }

  @Test
  void directRevisionAsksNoCritique() {
    Recorder model = new Recorder();
    Principle p = new Principle("p", java.util.Optional.empty(), java.util.Optional.of("Revise it."),
        java.util.Optional.empty());
    Constitution c = new Constitution("c", List.of(p), List.of());
    CritiqueRevision.of(c, new ChatReviser(model, List.of(), ChatOptions.greedy(64)),
        CritiqueRevision.Settings.builder().critique(false).build())
        .run(List.of(new RevisionTask("0", Text.plain("question"), "first")));
    assertEquals(1, model.seen.size());
    assertEquals(List.of("question", "first", "Revise it."),
        model.seen.get(0).messages().stream().map(Message::content).toList());
  }
}
