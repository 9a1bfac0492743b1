package dev.align4j.core.lora;

import static dev.align4j.core.lora.LoraFixtures.logprobs;
import static dev.align4j.core.lora.LoraFixtures.maxAbsDiff;
import static dev.align4j.core.lora.LoraFixtures.randomiseB;
import static dev.align4j.core.lora.LoraFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.CompletionSample;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter folder wherever a model folder is read: {@link AlignModel#load} finds the base through
 * {@code base_model_name_or_path} (as given, or beside the adapter) and merges the adapter, giving the adapted model's
 * log-probs; a base that is not a local folder is refused with the remedy; a SEQ_CLS adapter loads as a reward model.
 */
class AdapterFolderLoadTest {
  @TempDir Path dir;

  /** The golden tiny Llama copied to {@code dir/base}, so an adapter beside it can name it "base". */
  private Path base() throws Exception {
    Path base = Files.createDirectories(dir.resolve("base"));
    try (Stream<Path> s = Files.list(resource("models/tiny-llama"))) {
      for (Path f : s.toList()) {
        Files.copy(f, base.resolve(f.getFileName()));
      }
    }
    return base;
  }

  @Test
  void anAdapterFolderLoadsAsItsBaseWithTheAdapterMerged() throws Exception {
    Path base = base();
    float[] adapted;
    float[] plain;
    try (AlignModel m = AlignModel.load(base)) {
      plain = logprobs(m.languageModel().model());
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().r(4).loraAlpha(16).build());
      randomiseB(a, 3, 0.05);
      adapted = logprobs(m.languageModel().model());
      a.save(dir.resolve("adapter"), "base");   // relative: found beside the adapter folder
    }
    assertTrue(maxAbsDiff(plain, adapted) > 1e-3, "the adapter changes the model");
    assertTrue(AdapterFolders.isAdapter(dir.resolve("adapter")));
    try (AlignModel loaded = AlignModel.load(dir.resolve("adapter"))) {
      assertTrue(maxAbsDiff(adapted, logprobs(loaded.languageModel().model())) < 1e-5,
          "merged equals adapted: " + maxAbsDiff(adapted, logprobs(loaded.languageModel().model())));
      assertTrue(loaded.origin().contains("adapter on"), loaded.origin());
    }
  }

  @Test
  void aBaseThatIsNotALocalFolderIsRefusedWithTheRemedyAndAGivenBaseIsUsed() throws Exception {
    Path base = base();
    try (AlignModel m = AlignModel.load(base)) {
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().r(2).build());
      randomiseB(a, 5, 0.05);
      a.save(dir.resolve("adapter"), "HuggingFaceTB/SmolLM2-135M");
    }
    IOException e = assertThrows(IOException.class, () -> AlignModel.load(dir.resolve("adapter")));
    assertTrue(e.getMessage().contains("base_model_name_or_path 'HuggingFaceTB/SmolLM2-135M' is not a local model"
        + " folder") && e.getMessage().contains("--base-model DIR"), e.getMessage());
    try (AlignModel loaded = AlignModel.loadAdapter(dir.resolve("adapter"), base)) {
      assertEquals(base.toString(), AdapterFolders.baseOf(dir.resolve("adapter"), base).toString());
      assertTrue(loaded.languageModel().model().parameters().size() > 0);
    }
    IOException notModel = assertThrows(IOException.class,
        () -> AlignModel.loadAdapter(dir.resolve("adapter"), dir.resolve("adapter")));
    assertTrue(notModel.getMessage().contains("is not a model folder: it has no config.json"), notModel.getMessage());
  }

  @Test
  void aSeqClsAdapterWithItsHeadInModulesToSaveLoadsAsARewardModel() throws Exception {
    Path base = base();
    double[] adaptedScores;
    try (AlignModel m = AlignModel.load(base); AlignRewardModel rm = m.newScalarModel(32)) {
      LoraAdapter a = LoraAdapter.apply(rm.transformer(), LoraConfig.builder().r(2).modulesToSave(List.of("score"))
          .build());
      randomiseB(a, 7, 0.05);
      adaptedScores = scores(rm);
      a.save(dir.resolve("rm-adapter"), base.toString());
    }
    try (AlignRewardModel loaded = AlignRewardModel.load(dir.resolve("rm-adapter"))) {
      double[] s = scores(loaded);
      for (int i = 0; i < s.length; i++) {
        assertEquals(adaptedScores[i], s[i], 1e-5, "score " + i);
      }
    }
  }

  private static double[] scores(AlignRewardModel rm) {
    List<CompletionSample> samples = List.of(CompletionSample.of("where is the cat ?", " the cat is in the mat ."),
        CompletionSample.of("where is the dog ?", " in the house ."));
    return rm.score(samples);
  }
}
