package dev.align4j.core.stages;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.Text;
import dev.align4j.core.data.DataReport;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.PromptExample;
import dev.align4j.core.model.BuiltinModels;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.WeightSource;
import dev.align4j.core.model.tokenizer.CharTokenizerBuilder;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.sft.Packing;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftLossType;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingArgs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The RL toy task: after SFT the built-in model answers "name an animal:" with cat, dog, bird or fish about equally
 * often; the verifiable reward {@code contains:cat} pays 1 for cat, so RL must raise P(cat) from about 0.25.
 */
final class AnimalNames {
  static final String PROMPT = "name an animal:\n";
  static final String[] ANIMALS = {"cat", "dog", "bird", "fish"};

  private AnimalNames() {}

  /** A built-in model fine-tuned on uniform animal names, written to {@code dir/sft/final}. */
  static Path sftModel(Path dir) throws Exception {
    Path base = dir.resolve("base");
    CharTokenizerBuilder chars = new CharTokenizerBuilder().add(PROMPT);
    for (String a : ANIMALS) {
      chars.add(a);
    }
    chars.write(base);
    try (TransformerModel m = TransformerModel.create(BuiltinModels.tiny(chars.vocabSize(), 32, 1, 2),
        HeadKind.LANGUAGE_MODEL, WeightSource.random(3))) {
      ModelFolder.save(m, base, base, Provenance.of("built-in", "test", "none", null), null);
    }
    Random r = new Random(5);
    List<Demonstration> demos = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      demos.add(new Demonstration.PromptCompletion(Text.plain(PROMPT), Text.plain(ANIMALS[r.nextInt(4)])));
    }
    TrainingArgs args = new TrainingArgs(3e-3, 1, 120, 32, 1, 1, 0.1, ScheduleKind.COSINE, 0, 1, 32, 50, 0, 0, 1, 0);
    return new SftTrainer(new SftConfig(args, SftLossType.NLL, Packing.NONE)).train(base,
        new Dataset<>(demos, new DataReport(256, 0, 0, 0)), null,
        RunFolder.open(dir.resolve("sft"), RunFolder.Mode.RESUME_OR_NEW),
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(), List.of()).finalModel();
  }

  static Dataset<PromptExample> prompts() {
    return new Dataset<>(List.of(new PromptExample(Text.plain(PROMPT), Map.of())), new DataReport(1, 0, 0, 0));
  }
}
