package dev.align4j.examples.cli;

import static dev.align4j.examples.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.AlignModel;
import dev.align4j.core.lora.LoraAdapter;
import dev.align4j.core.lora.LoraConfig;
import dev.align4j.core.model.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEFT adapter folders on the command line: {@code --model ADAPTER} (its base from {@code base_model_name_or_path} or
 * {@code --base-model}) and {@code align merge-adapter}, whose plain folder scores as the adapter does.
 */
@Tag("integration")
class AdapterCommandsTest {
  private static final String TEXT = "where is the cat ? the cat is in the mat .";

  /** An adapter with B no longer zero (a trained one) on the tiny Llama, naming {@code baseName} as its base. */
  private static Path adapter(Path dir, String baseName) throws Exception {
    Path out = dir.resolve("adapter");
    try (AlignModel m = AlignModel.load(StageCommandsTest.tinyLlama())) {
      LoraAdapter a = LoraAdapter.apply(m, LoraConfig.builder().r(4).loraAlpha(16).build());
      Random rnd = new Random(11);
      for (String module : a.adaptedModules()) {
        Parameter b = a.branch(module)[1];
        float[] v = new float[Math.toIntExact(b.value().size())];
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (rnd.nextGaussian() * 0.05);
        }
        b.value().set(v);
      }
      a.save(out, baseName);
    }
    return out;
  }

  @Test
  void anAdapterFolderIsAModelAndMergesIntoAPlainFolder(@TempDir Path dir) throws Exception {
    Path adapter = adapter(dir, StageCommandsTest.tinyLlama().toString());
    Run base = run("logprobs", "--model", StageCommandsTest.tinyLlama().toString(), "--text", TEXT);
    Run adapted = run("logprobs", "--model", adapter.toString(), "--text", TEXT);
    assertEquals(0, adapted.status(), adapted.stderr());
    double b = StageCommandsTest.sum(base.stdout());
    double a = StageCommandsTest.sum(adapted.stdout());
    assertTrue(Math.abs(a - b) > 1e-3, "the adapter changes the log-probs: " + a + " vs " + b);

    Path merged = dir.resolve("merged");
    Run merge = run("merge-adapter", "--adapter", adapter.toString(), "--out", merged.toString());
    assertEquals(0, merge.status(), merge.stderr());
    assertTrue(Files.isRegularFile(merged.resolve("config.json")) && Files.isRegularFile(
        merged.resolve("tokenizer.json")), "a plain Hugging Face folder");
    Run plain = run("logprobs", "--model", merged.toString(), "--text", TEXT);
    assertEquals(a, StageCommandsTest.sum(plain.stdout()), 1e-4, "the merged folder scores as the adapter");

    Run again = run("merge-adapter", "--adapter", adapter.toString(), "--out", merged.toString());
    assertEquals(Align.BAD_INPUT, again.status());
    assertTrue(again.stderr().contains("exists and is not an empty folder"), again.stderr());
  }

  @Test
  void aHubBaseNeedsBaseModelAndTheMessageSaysSo(@TempDir Path dir) throws Exception {
    Path adapter = adapter(dir, "HuggingFaceTB/SmolLM2-135M");
    Run refused = run("logprobs", "--model", adapter.toString(), "--text", TEXT);
    assertEquals(Align.BAD_INPUT, refused.status());
    assertTrue(refused.stderr().contains("is not a local model folder") && refused.stderr().contains("--base-model"),
        refused.stderr());
    Run given = run("logprobs", "--model", adapter.toString(), "--base-model",
        StageCommandsTest.tinyLlama().toString(), "--text", TEXT);
    assertEquals(0, given.status(), given.stderr());
  }

  @Test
  void sftWithUsePeftWritesAnAdapterThatLoadsAsTheTrainedModel(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("sft.jsonl");
    StageCommandsTest.sftData(data, 32);
    Path out = dir.resolve("out");
    Run r = run("sft", "--model", StageCommandsTest.tinyLlama().toString(), "--data", data.toString(), "--use-peft",
        "--lora-r", "8", "--lora-alpha", "16", "--lora-dropout", "0", "--lora-target-modules", "all-linear",
        "--learning-rate", "1e-2", "--max-steps", "20", "--batch-size", "8", "--out", out.toString());
    assertEquals(0, r.status(), r.stderr());
    assertTrue(r.stderr().contains("final adapter (PEFT) in"), r.stderr());
    assertTrue(Files.isRegularFile(out.resolve("final/adapter_config.json")));
    assertTrue(!Files.exists(out.resolve("final/model.safetensors")), "an adapter folder, not a model");
    double before = StageCommandsTest.sum(run("logprobs", "--model", StageCommandsTest.tinyLlama().toString(),
        "--text", TEXT).stdout());
    Run after = run("logprobs", "--model", out.resolve("final").toString(), "--text", TEXT);
    assertEquals(0, after.status(), after.stderr());
    assertTrue(StageCommandsTest.sum(after.stdout()) > before + 1, "the training text is more likely: " + before
        + " -> " + StageCommandsTest.sum(after.stdout()));
    Run onAdapter = run("sft", "--model", out.resolve("final").toString(), "--data", data.toString(), "--use-peft",
        "--out", dir.resolve("again").toString());
    assertEquals(Align.BAD_INPUT, onAdapter.status());
    assertTrue(onAdapter.stderr().contains("merge it first"), onAdapter.stderr());
  }

  @Test
  void dpoGrpoAndPpoWithUsePeftWriteAdapterFolders(@TempDir Path dir) throws Exception {
    Path prefs = dir.resolve("prefs.jsonl");
    StageCommandsTest.preferenceData(prefs, 32, false);
    Path prompts = dir.resolve("prompts.jsonl");
    Files.write(prompts, java.util.List.of("{\"prompt\": \"where is the cat ?\"}",
        "{\"prompt\": \"where is the dog ?\"}"));
    String tiny = StageCommandsTest.tinyLlama().toString();
    Run dpo = run("dpo", "--model", tiny, "--data", prefs.toString(), "--use-peft", "--lora-r", "4", "--max-steps", "4",
        "--batch-size", "8", "--out", dir.resolve("dpo").toString());
    assertEquals(0, dpo.status(), dpo.stderr());
    Run grpo = run("grpo", "--model", tiny, "--prompts", prompts.toString(), "--reward", "contains:cat", "--use-peft",
        "--lora-r", "4", "--max-steps", "2", "--batch-size", "2", "--num-generations", "2", "--max-new-tokens", "4",
        "--out", dir.resolve("grpo").toString());
    assertEquals(0, grpo.status(), grpo.stderr());
    Run ppo = run("ppo", "--model", tiny, "--prompts", prompts.toString(), "--reward", "contains:cat", "--use-peft",
        "--lora-r", "4", "--max-steps", "2", "--batch-size", "2", "--max-new-tokens", "4", "--out",
        dir.resolve("ppo").toString());
    assertEquals(0, ppo.status(), ppo.stderr());
    assertTrue(Files.isRegularFile(dir.resolve("ppo/final-value/model.safetensors")), "the value model is whole");
    for (String stage : java.util.List.of("dpo", "grpo", "ppo")) {
      Path f = dir.resolve(stage).resolve("final");
      assertTrue(Files.isRegularFile(f.resolve("adapter_model.safetensors")) && !Files.exists(
          f.resolve("model.safetensors")), stage + " wrote an adapter folder");
      Run loads = run("logprobs", "--model", f.toString(), "--text", TEXT);
      assertEquals(0, loads.status(), loads.stderr());
    }
  }
}
