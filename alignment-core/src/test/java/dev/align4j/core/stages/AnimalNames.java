package dev.align4j.core.stages;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.core.AlignModel;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.ScheduleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The RL toy task: after SFT the built-in model answers "name an animal:" with cat, dog, bird or fish about equally
 * often; the verifiable reward {@code contains:cat} pays 1 for cat, so RL must raise P(cat) from about 0.25.
 */
final class AnimalNames {
  static final String PROMPT = "name an animal:\n";
  static final String[] ANIMALS = {"cat", "dog", "bird", "fish"};

  private AnimalNames() {}

  /** A built-in model fine-tuned on uniform animal names (the caller closes it). */
  static AlignModel sftModel() throws Exception {
    StringBuilder corpus = new StringBuilder(PROMPT);
    for (String a : ANIMALS) {
      corpus.append(a);
    }
    Random r = new Random(5);
    List<Demonstration> demos = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      demos.add(new Demonstration.PromptCompletion(Text.plain(PROMPT), Text.plain(ANIMALS[r.nextInt(4)])));
    }
    SftConfig config = SftConfig.builder().learningRate(3e-3).maxSteps(120).batchSize(32).seed(1).warmupRatio(0.1)
        .schedule(ScheduleKind.COSINE).weightDecay(0).maxGradNorm(1).maxLength(32).logEvery(50).keepCheckpoints(1)
        .build();
    try (AlignModel base = AlignModel.builtin(corpus.toString(), 32, 3)) {
      return SftTrainer.of(config).train(base, demos).model();
    }
  }

  static List<Prompt> prompts() {
    return List.of(Prompt.of(PROMPT));
  }
}
