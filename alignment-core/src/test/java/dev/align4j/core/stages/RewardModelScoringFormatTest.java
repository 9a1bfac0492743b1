package dev.align4j.core.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.model.ScalarScores;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.internal.OnlineRun;
import dev.align4j.core.rl.internal.Rollouts;
import dev.align4j.core.runtime.DjlSetup;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainerSettings;
import dev.align4j.core.train.internal.RunContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
  void aConversationalPromptIsScoredAtRlTimeAsTrainingEncodedIt() throws Exception {
    List<PreferencePair> chatPairs = new ArrayList<>();
    for (PreferencePair p : AnimalWorld.preferences(64, 3, AnimalWorld.Split.TRAIN)) {
      chatPairs.add(new PreferencePair(user(((Text.Plain) p.prompt()).text()),
          assistant(((Text.Plain) p.chosen()).text().trim()), assistant(((Text.Plain) p.rejected()).text().trim()),
          OptionalDouble.empty()));
    }
    RewardConfig config = RewardConfig.builder().learningRate(1e-2).epochs(1).maxSteps(8).batchSize(16).seed(7)
        .schedule(ScheduleKind.CONSTANT).maxLength(MAX_LENGTH).logEvery(10).build();
    try (AlignModel policy = AlignModel.load(AnimalWorld.tinyLlama());
        AlignRewardModel rm = RewardTrainer.of(config).train(policy, chatPairs, List.of()).model()) {
      // RL time: the policy samples completions of chat prompts through OnlineRun, the path PPO and GRPO take.
      List<Prompt> prompts = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        prompts.add(new Prompt(user(AnimalWorld.prompt(c, c % 4)), Map.of()));
      }
      List<CompletionSample> samples;
      double[] atRlTime;
      RlArgs args = OnlineRlIntegrationTest.rl(PpoConfig.builder(), 1e-3, 1, 3, 0.0).build().rl();
      try (RunContext run = RunContext.open("ppo", Map.of(), TrainerSettings.defaults(), 0)) {
        Rollouts ro = new OnlineRun("ppo", args, run).sample(policy, prompts, new int[] {0, 1, 2}, 4, 1);
        samples = ro.samples();
        atRlTime = rm.score(samples);
      }

      // The same pairs encoded the way RewardTrainer encodes its training pairs, scored by the trained head.
      PolicyTokenizer tokens = rm.tokenizer();
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
      assertTrue(truncated > 0 && truncated < rows.length, "some rows, not all, are longer than max-length "
          + MAX_LENGTH + ", so truncation is compared too: " + lengths);
      float[] trained;
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager m = DjlSetup.newManager()) {
        trained = ScalarScores.of(m, rm.transformer(), rows, tokens.padId()).toFloatArray();
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
