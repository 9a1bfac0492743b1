package dev.align4j.examples.cli;

import dev.align4j.api.data.Prompt;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.Constitution;
import dev.align4j.core.cai.ChatJudge;
import dev.align4j.core.cai.ComparisonTemplate;
import dev.align4j.core.cai.ConstitutionFiles;
import dev.align4j.core.cai.ConstitutionalLabeller;
import dev.align4j.core.cai.CritiqueRevision;
import dev.align4j.core.cai.LabelFiles;
import dev.align4j.core.cai.LabellerReport;
import dev.align4j.core.cai.PairLabel;
import dev.align4j.core.data.DataFiles;
import dev.align4j.core.data.LabelRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code align cai label}: the preference phase. Each pair (given, or sampled from {@code --policy}) is put to the
 * judge as a multiple-choice question about a principle drawn with the seed, in both orders by default; the answer
 * options' probabilities become a soft label. Writes {@code OUT/preferences.jsonl}, {@code OUT/labels.jsonl} and
 * {@code OUT/labeller.json}, prints the labeller's diagnostics on stderr and {@code labeller.json} on stdout. With
 * {@code --min-agreement X} labels whose agreement with the pairs' reference labels is below X are refused: only
 * {@code labeller.json} is written and the exit status is 1.
 */
@Command(name = "label", mixinStandardHelpOptions = true,
    description = "Label answer pairs with a constitutional judge; write soft preference labels and diagnostics.")
final class CaiLabelCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--constitution", required = true, paramLabel = "FILE",
      description = "Constitution: align4j JSON/YAML, llm-swarm JSON or Anthropic's format (principles need a "
          + "comparison text).")
  Path constitution;

  @Option(names = "--pairs", paramLabel = "FILE.jsonl", description = "{\"prompt\": str|messages, \"completions\": "
      + "[a, b]} per line, optional \"id\" and reference \"label\": 0|1 (index of the better completion).")
  Path pairs;

  @Option(names = "--policy", paramLabel = "DIR", description = "Instead of --pairs: a local chat checkpoint that "
      + "samples two completions for each of --prompts.")
  Path policy;

  @Option(names = "--prompts", paramLabel = "FILE.jsonl", description = "With --policy: {\"prompt\": str|messages} "
      + "per line.")
  Path prompts;

  @Option(names = "--judge-model", paramLabel = "DIR", description = "Local chat checkpoint that judges.")
  Path judgeModel;

  @Option(names = "--judge-endpoint", paramLabel = "URL", description = "OpenAI-compatible base URL of the judge "
      + "instead of --judge-model, e.g. http://127.0.0.1:8000/v1.")
  URI judgeEndpoint;

  @Option(names = "--judge-endpoint-model", paramLabel = "NAME", description = "The model name the endpoint serves.")
  String judgeEndpointModel;

  @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the endpoint's "
      + "API key (none for a local server); the key is never written anywhere.")
  String apiKeyEnv;

  @Option(names = "--max-concurrency", description = "Endpoint calls in flight (default: the endpoint config's).")
  Integer maxConcurrency;

  @Option(names = "--request-budget", description = "Stop after this many endpoint requests (rerun to go on).")
  Integer requestBudget;

  @Option(names = "--both-orders", arity = "1", paramLabel = "true|false",
      description = "Ask in both orders and average (default: the labeller's, true).")
  Boolean bothOrders;

  @Option(names = "--principles-per-pair", description = "Principles drawn per pair and averaged (default: 1).")
  Integer principlesPerPair;

  @Option(names = "--chain-of-thought", description = "The judge reasons first; labels clamped to [0.4, 0.6].")
  boolean chainOfThought;

  @Option(names = "--top-logprobs", defaultValue = "20", description = "Alternatives read at the answer token "
      + "(default: ${DEFAULT-VALUE}).")
  int topLogprobs;

  @Option(names = "--seed", defaultValue = "0", description = "Draws principles and seeds the policy's samples "
      + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--temperature", defaultValue = "1.0", description = "With --policy: sampling temperature "
      + "(default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--max-new-tokens", defaultValue = "128", description = "With --policy: most tokens per "
      + "completion (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--min-agreement", paramLabel = "X", description = "Refuse to write labels whose agreement with "
      + "the pairs' reference labels is below X (exit status 1).")
  Double minAgreement;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder: preferences.jsonl, "
      + "labels.jsonl, labeller.json, chat-cache.jsonl (rerunning on the same folder repeats no call).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Constitution c = ConstitutionFiles.load(constitution);
    List<LabelRequest> requests = requests();
    if (minAgreement != null) {
      if (!(minAgreement >= 0 && minAgreement <= 1)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--min-agreement must be in [0, 1], got "
            + minAgreement);
      }
      if (requests.stream().noneMatch(r -> r.reference().isPresent())) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--min-agreement needs pairs with a reference "
            + "\"label\"; none of the " + requests.size() + " pairs has one");
      }
    }
    ConstitutionalLabeller.Settings.Builder settings = ConstitutionalLabeller.Settings.builder().seed(seed)
        .chainOfThought(chainOfThought);
    if (bothOrders != null) {
      settings.bothOrders(bothOrders);
    }
    if (principlesPerPair != null) {
      settings.principlesPerPair(principlesPerPair);
    }
    ChatModelChoice choice = new ChatModelChoice(judgeModel, judgeEndpoint, judgeEndpointModel, apiKeyEnv,
        maxConcurrency, requestBudget, new String[] {"--judge-model", "--judge-endpoint", "--judge-endpoint-model"});
    try (ChatModel chat = choice.open(spec, out.resolve("chat-cache.jsonl"))) {
      ChatJudge judge = new ChatJudge(chat, ComparisonTemplate.defaults(), topLogprobs, ChatOptions.greedy(256));
      ConstitutionalLabeller labeller = ConstitutionalLabeller.of(c, judge, settings.build());
      List<PairLabel> labels = labeller.labelAll(requests);
      LabellerReport report = LabellerReport.of(labels);
      System.err.println("cai label: " + report.summary());
      String template = judge.template().sha256();
      if (minAgreement != null && report.agreement().rate() < minAgreement) {
        LabelFiles.writeReport(out, labeller, report, template);
        System.err.printf(Locale.ROOT, "cai label: agreement %.3f with the reference labels is below --min-agreement"
            + " %.3f; no labels written (diagnostics in %s)%n", report.agreement().rate(), minAgreement,
            out.resolve("labeller.json"));
        printReport();
        return Align.CHECK_FAILED;
      }
      LabelFiles.write(out, labeller, labels, report, template);
      System.err.println("cai label: wrote " + out.resolve("preferences.jsonl") + " (" + report.labelled()
          + " labelled of " + report.pairs() + ")");
      printReport();
      return 0;
    }
  }

  private void printReport() throws IOException {
    System.out.println(Files.readString(out.resolve("labeller.json"), StandardCharsets.UTF_8).strip());
  }

  /** The pairs to label: read from {@code --pairs}, or sampled from {@code --policy} (cached in OUT/policy-cache.jsonl). */
  private List<LabelRequest> requests() throws IOException {
    if ((pairs == null) == (policy == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --pairs FILE or --policy DIR"
          + " with --prompts FILE");
    }
    if (pairs != null) {
      if (prompts != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--prompts goes with --policy, not --pairs");
      }
      return DataFiles.labelRequests(pairs).examples();
    }
    if (prompts == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--policy needs --prompts FILE.jsonl");
    }
    List<Prompt> rows = DataFiles.prompts(prompts).examples();
    ChatModelChoice choice = new ChatModelChoice(policy, null, null, null, null, null,
        new String[] {"--policy", "--policy", "--policy"});
    List<LabelRequest> out = new ArrayList<>();
    try (ChatModel sampler = choice.open(spec, this.out.resolve("policy-cache.jsonl"))) {
      List<ChatRequest> asks = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        for (int k = 0; k < 2; k++) {
          // One seed per (row, sample): the two completions differ, and a rerun draws (and caches) the same ones.
          asks.add(new ChatRequest(CritiqueRevision.turns(rows.get(i).prompt()), new ChatOptions(temperature, 1,
              maxNewTokens, List.of(), OptionalLong.of(seed * 1_000_003L + 2L * i + k), 0)));
        }
      }
      List<ChatReply> replies = sampler.chat(asks);
      int unusable = 0;
      for (int i = 0; i < rows.size(); i++) {
        ChatReply a = replies.get(2 * i);
        ChatReply b = replies.get(2 * i + 1);
        if (a instanceof ChatReply.Answer x && b instanceof ChatReply.Answer y) {
          String id = "line-" + (i + 1);
          out.add(new LabelRequest(new CandidatePair(id, rows.get(i).prompt(), x.text(), y.text()),
              OptionalInt.empty()));
        } else {
          unusable++;
          System.err.println("cai label: prompt line " + (i + 1) + ": the policy gave no two answers ("
              + describe(a) + ", " + describe(b) + "); skipped and counted");
        }
      }
      System.err.printf("cai label: sampled %d pairs from %s (%d prompts without two answers)%n", out.size(),
          policy, unusable);
    }
    return out;
  }

  private static String describe(ChatReply r) {
    return r instanceof ChatReply.Answer ? "answer" : r instanceof ChatReply.Refusal f ? "refused: " + f.reason()
        : "failed: " + ((ChatReply.Failure) r).error();
  }
}
