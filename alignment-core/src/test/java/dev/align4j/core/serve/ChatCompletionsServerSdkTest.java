package dev.align4j.core.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.CompletionUsage;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.TokenLogprob;
import dev.align4j.core.AlignModel;
import dev.align4j.core.chatmodel.LocalChatModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's own Java SDK ({@code com.openai:openai-java}) parses what the server returns, strictly
 * ({@code validate()} checks every required field and its type), and the content and log-probs it reads are the
 * local model's.
 */
class ChatCompletionsServerSdkTest {
  private static AlignModel model;
  private static LocalChatModel chat;
  private static ChatCompletionsServer server;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    model = AlignModel.load(Path.of(ChatCompletionsServerSdkTest.class.getResource("/models/tiny-llama").toURI()));
    chat = LocalChatModel.of(model, "tiny-llama");
    server = ChatCompletionsServer.builder(chat).port(0).build();
    server.start();
    client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("none")
        .maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.stop();
    chat.close();
    model.close();
  }

  @Test
  void theSdkReadsTheCompletionAndItsLogprobs() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("tiny-llama")
        .addSystemMessage("be brief").addUserMessage("is the dog big ?").temperature(0.0).maxCompletionTokens(6)
        .logprobs(true).topLogprobs(5).build();
    ChatCompletion c = client.chat().completions().create(params).validate();
    ChatReply.Answer a = assertInstanceOf(ChatReply.Answer.class, chat.chat(List.of(new ChatRequest(
        List.of(new Message("system", "be brief"), new Message("user", "is the dog big ?")),
        new ChatOptions(0, 1, 6, List.of(), OptionalLong.empty(), 5)))).get(0));
    assertTrue(c.id().startsWith("chatcmpl-"), c.id());
    assertEquals("tiny-llama", c.model());
    assertEquals(1, c.choices().size());
    ChatCompletion.Choice choice = c.choices().get(0);
    assertEquals(0, choice.index());
    assertEquals(a.text(), choice.message().content().orElseThrow());
    assertTrue(choice.message().refusal().isEmpty());
    assertEquals(a.finishReason(), choice.finishReason().asString());
    List<ChatCompletionTokenLogprob> content = choice.logprobs().orElseThrow().content().orElseThrow();
    assertEquals(a.logprobs().size(), content.size());
    for (int t = 0; t < content.size(); t++) {
      TokenLogprob expected = a.logprobs().get(t);
      ChatCompletionTokenLogprob got = content.get(t);
      assertEquals(expected.token(), got.token());
      assertEquals(expected.logprob(), got.logprob(), 0.0);
      assertEquals(utf8(expected.token()), got.bytes().orElseThrow());
      assertEquals(5, got.topLogprobs().size());
      for (int k = 0; k < 5; k++) {
        assertEquals(expected.top().get(k).token(), got.topLogprobs().get(k).token());
        assertEquals(expected.top().get(k).logprob(), got.topLogprobs().get(k).logprob(), 0.0);
        assertEquals(utf8(expected.top().get(k).token()), got.topLogprobs().get(k).bytes().orElseThrow());
      }
    }
    CompletionUsage usage = c.usage().orElseThrow();
    assertEquals(a.usage().orElseThrow().promptTokens(), usage.promptTokens());
    assertEquals(a.usage().orElseThrow().completionTokens(), usage.completionTokens());
    assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
  }

  @Test
  void theSdkListsTheModel() {
    List<String> ids = client.models().list().data().stream().map(m -> m.validate().id()).toList();
    assertEquals(List.of("tiny-llama"), ids);
  }

  private static List<Long> utf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Long[] out = new Long[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (long) (b[i] & 0xff);
    }
    return List.of(out);
  }
}
