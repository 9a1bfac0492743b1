package dev.align4j.core.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.data.DataReport;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.PromptExample;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Pretrained;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import dev.align4j.core.reward.MarginMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.reward.SequenceScores;
import dev.align4j.core.rl.OnlineRun;
import dev.align4j.core.rl.Rollouts;
import dev.align4j.core.rl.TransformerRewardModel;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingArgs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reward model trained on conversational pairs scores RL samples of conversational prompts exactly as training
 * encoded its pairs: the prompt's messages through the reward model's chat template, the completion as the assistant
 * turn, the same special tokens, cut to the same max length.
 */
@Tag("integration")
class RewardModelScoringFormatTest {
  /** Short enough that the chat-rendered rows of this task are cut, so truncation is part of what is compared. */
  private static final int MAX_LENGTH = 17;

  private static Text.Chat user(String text) {
    return new Text.Chat(List.of(new Message("user", text)));
  }

  private static Text.Chat assistant(String text) {
    return new Text.Chat(List.of(new Message("assistant", text)));
  }

  @Test
  void aConversationalPromptIsScoredAtRlTimeAsTrainingEncodedIt(@TempDir Path dir) throws Exception {
    Path tiny = AnimalWorld.tinyLlama();
    List<PreferencePair> chatPairs = new ArrayList<>();
    for (PreferencePair p : AnimalWorld.preferences(64, 3, AnimalWorld.Split.TRAIN).examples()) {
      chatPairs.add(new PreferencePair(user(((Text.Plain) p.prompt()).text()),
          assistant(((Text.Plain) p.chosen()).text().trim()), assistant(((Text.Plain) p.rejected()).text().trim()),
          OptionalDouble.empty()));
    }
    TrainingArgs args = new TrainingArgs(1e-2, 1, 8, 16, 1, 7, 0.0, ScheduleKind.CONSTANT, 0.0, 1.0, MAX_LENGTH, 10,
        0, 0, 1, 0);
    Path rm = new RewardTrainer(new RewardConfig(args, MarginMode.NONE, OptionalDouble.empty())).train(tiny,
        new Dataset<>(chatPairs, new DataReport(chatPairs.size(), 0, 0, 0)), null,
        RunFolder.open(dir.resolve("rm"), RunFolder.Mode.RESUME_OR_NEW), new ObjectMapper().createObjectNode(),
        List.of()).finalModel();

    // RL time: the policy samples completions of chat prompts through OnlineRun, the path PPO and GRPO take.
    List<PromptExample> prompts = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      prompts.add(new PromptExample(user(AnimalWorld.prompt(c, c % 4)), Map.of()));
    }
    double[] atRlTime;
    List<CompletionSample> samples;
    try (Pretrained policy = Pretrained.load(tiny);
        TemplateChatRendering chat = TemplateChatRendering.forFolder(tiny).orElseThrow();
        OnlineRun online = new OnlineRun("ppo", OnlineRlIntegrationTest.rl(1e-3, 1, 3, 0.0),
            RunFolder.open(dir.resolve("ppo"), RunFolder.Mode.RESUME_OR_NEW), new ObjectMapper().createObjectNode(),
            List.of());
        TransformerRewardModel scorer = TransformerRewardModel.load(rm)) {
      Rollouts ro = online.sample(policy.lm(), new TextExampleTokenizer(policy.tokenizer(), chat),
          new Dataset<>(prompts, new DataReport(prompts.size(), 0, 0, 0)), new int[] {0, 1, 2}, 4, 1);
      samples = ro.samples();
      atRlTime = scorer.score(samples);
    }

    // The same pairs encoded the way RewardTrainer encodes its training pairs, scored by the trained head.
    try (TextTokenizer tokenizer = TextTokenizer.load(rm);
        TemplateChatRendering chat = TemplateChatRendering.forFolder(rm).orElseThrow();
        TransformerModel model = ModelFolder.load(rm, HeadKind.SCALAR)) {
      TextExampleTokenizer tokens = new TextExampleTokenizer(tokenizer, chat);
      int[][] rows = new int[samples.size()][];
      int truncated = 0;
      List<Integer> lengths = new ArrayList<>();
      for (int i = 0; i < rows.length; i++) {
        CompletionSample s = samples.get(i);
        assertTrue(s.isConversational(), "the sample keeps its prompt's messages");
        TokenizedSequence full = tokens.promptResponse(new Text.Chat(s.promptMessages()), assistant(s.completion()));
        truncated += full.ids().length > MAX_LENGTH ? 1 : 0;
        lengths.add(full.ids().length);
        rows[i] = full.truncate(MAX_LENGTH).ids();
      }
      assertTrue(truncated > 0 && truncated < rows.length, "some rows, not all, are longer than max-length " + MAX_LENGTH
          + ", so truncation is compared too: " + lengths);
      float[] trained;
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager m = model.manager().newSubManager()) {
        trained = SequenceScores.of(m, model, rows, tokenizer.padId()).toFloatArray();
      } finally {
        JniUtils.setGradMode(grad);
      }
      double spread = 0;
      for (int i = 0; i < rows.length; i++) {
        assertEquals(trained[i], atRlTime[i], 1e-5, "sample " + i + ": " + samples.get(i).completion());
        spread = Math.max(spread, Math.abs(trained[i] - trained[0]));
      }
      assertTrue(Math.abs(trained[0]) > 1e-4 || spread > 1e-4, "the trained head scores are not all zero");
    }
  }
}
