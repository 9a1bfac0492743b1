package dev.align4j.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.Constitution;
import dev.align4j.core.cai.ChatReviser;
import dev.align4j.core.cai.ConstitutionFiles;
import dev.align4j.core.cai.CritiqueRevision;
import dev.align4j.core.cai.RevisionFiles;
import dev.align4j.core.cai.RevisionRecord;
import dev.align4j.core.cai.RevisionTask;
import dev.align4j.core.data.DataFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code align cai revise}: the supervised phase. For each prompt the model under revision answers (or the row's
 * {@code completion} is taken as the answer to revise), then critiques and revises it against principles drawn with
 * the seed, {@code --rounds} times; the last revision is the SFT target. Writes {@code OUT/sft.jsonl} (TRL
 * {@code messages}) and {@code OUT/revisions.jsonl}; prints a JSON summary on stdout.
 */
@Command(name = "revise", mixinStandardHelpOptions = true,
    description = "Critique and revise answers against a constitution; write SFT targets.")
final class CaiReviseCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--constitution", required = true, paramLabel = "FILE",
      description = "Constitution: align4j JSON/YAML, llm-swarm JSON or Anthropic's CritiqueRevisionInstructions.json.")
  Path constitution;

  @Option(names = "--prompts", required = true, paramLabel = "FILE.jsonl",
      description = "{\"prompt\": str|messages} per line; an optional \"completion\" is the answer to revise "
          + "(otherwise the model answers first).")
  Path prompts;

  @Option(names = "--model", paramLabel = "DIR", description = "Local chat checkpoint that answers, critiques and "
      + "revises.")
  Path model;

  @Option(names = "--endpoint", paramLabel = "URL", description = "OpenAI-compatible base URL instead of --model, "
      + "e.g. http://127.0.0.1:8000/v1.")
  URI endpoint;

  @Option(names = "--endpoint-model", paramLabel = "NAME", description = "The model name the endpoint serves.")
  String endpointModel;

  @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the endpoint's "
      + "API key (none for a local server); the key is never written anywhere.")
  String apiKeyEnv;

  @Option(names = "--max-concurrency", description = "Endpoint calls in flight (default: the endpoint config's).")
  Integer maxConcurrency;

  @Option(names = "--request-budget", description = "Stop after this many endpoint requests (rerun to go on).")
  Integer requestBudget;

  @Option(names = "--rounds", description = "Critique-revision rounds (default: CritiqueRevision's, 1).")
  Integer rounds;

  @Option(names = "--no-critique", description = "Revise directly, without a critique first.")
  boolean noCritique;

  @Option(names = "--seed", defaultValue = "0", description = "Draws principles and seeds sampling "
      + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--temperature", defaultValue = "0", description = "Sampling temperature of answers, critiques and"
      + " revisions; 0 is greedy (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--max-new-tokens", defaultValue = "256", description = "Most tokens per answer, critique or "
      + "revision (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder: sft.jsonl, "
      + "revisions.jsonl, chat-cache.jsonl (rerunning on the same folder repeats no call).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Constitution c = ConstitutionFiles.load(constitution);
    List<Prompt> rows = DataFiles.prompts(prompts).examples();
    ChatOptions options = new ChatOptions(temperature, 1, maxNewTokens, List.of(), OptionalLong.of(seed), 0);
    CritiqueRevision.Settings.Builder settings = CritiqueRevision.Settings.builder().seed(seed)
        .critique(!noCritique);
    if (rounds != null) {
      settings.rounds(rounds);
    }
    ChatModelChoice choice = new ChatModelChoice(model, endpoint, endpointModel, apiKeyEnv, maxConcurrency,
        requestBudget, new String[] {"--model", "--endpoint", "--endpoint-model"});
    try (ChatModel chat = choice.open(spec, out.resolve("chat-cache.jsonl"))) {
      CritiqueRevision phase = CritiqueRevision.of(c, new ChatReviser(chat, c.fewShot(), options), settings.build());
      List<RevisionTask> tasks = new ArrayList<>();
      List<RevisionRecord> unanswered = new ArrayList<>();
      initialAnswers(chat, rows, options, tasks, unanswered);
      List<RevisionRecord> records = new ArrayList<>(phase.run(tasks));
      records.addAll(unanswered);
      RevisionFiles.write(out, phase, records);
      Map<String, Integer> reasons = new TreeMap<>();
      int revised = 0;
      for (RevisionRecord r : records) {
        if (r.revision().isPresent()) {
          revised++;
        } else {
          reasons.merge(r.dropReason().orElse("?").replaceAll(": .*", ""), 1, Integer::sum);
        }
      }
      System.err.printf("cai revise: %d prompts, %d revised, %d dropped %s; wrote %s%n", rows.size(), revised,
          rows.size() - revised, reasons, out);
      ObjectNode summary = JsonOut.object();
      summary.put("prompts", rows.size());
      summary.put("revised", revised);
      summary.put("dropped", rows.size() - revised);
      summary.put("constitution_sha256", c.sha256());
      summary.put("reviser", chat.id());
      summary.put("out", out.toString());
      JsonOut.print(summary);
      return 0;
    }
  }

  /**
   * The answer to revise for each row: its {@code completion}, or the model's own reply. A prompt the model fails or
   * refuses to answer becomes a dropped record, counted, never a target.
   */
  private static void initialAnswers(ChatModel chat, List<Prompt> rows, ChatOptions options, List<RevisionTask> tasks,
      List<RevisionRecord> unanswered) {
    List<Integer> ask = new ArrayList<>();
    List<ChatRequest> requests = new ArrayList<>();
    String[] given = new String[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      String completion = rows.get(i).fields().get("completion");
      if (completion != null) {
        given[i] = completion;
      } else {
        ask.add(i);
        List<Message> turns = CritiqueRevision.turns(rows.get(i).prompt());
        requests.add(new ChatRequest(turns, options));
      }
    }
    List<ChatReply> replies = chat.chat(requests);
    String[] why = new String[rows.size()];
    for (int k = 0; k < ask.size(); k++) {
      ChatReply r = replies.get(k);
      int i = ask.get(k);
      if (r instanceof ChatReply.Answer a && !a.text().isBlank()) {
        given[i] = a.text().strip();
      } else {
        why[i] = "initial answer " + (r instanceof ChatReply.Answer ? "is empty"
            : r instanceof ChatReply.Refusal f ? "refused: " + f.reason() : "failed: "
                + ((ChatReply.Failure) r).error());
      }
    }
    for (int i = 0; i < rows.size(); i++) {
      String id = "line-" + (i + 1);
      if (given[i] != null) {
        tasks.add(new RevisionTask(id, rows.get(i).prompt(), given[i]));
      } else {
        unanswered.add(RevisionRecord.dropped(id, rows.get(i).prompt(), "", List.of(), why[i]));
      }
    }
  }
}
