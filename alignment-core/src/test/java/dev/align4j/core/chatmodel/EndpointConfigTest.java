package dev.align4j.core.chatmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class EndpointConfigTest {
  private static EndpointConfig.Builder local() {
    return EndpointConfig.builder().baseUrl("http://127.0.0.1:8000/v1").model("m");
  }

  private static String rejected(UnaryOperator<EndpointConfig.Builder> change) {
    return assertThrows(IllegalArgumentException.class, () -> change.apply(local()).build()).getMessage();
  }

  @Test
  void defaultsAreTheSdksAndATrailingSlashIsDropped() {
    EndpointConfig c = local().baseUrl("http://127.0.0.1:8000/v1/").build();
    assertEquals(URI.create("http://127.0.0.1:8000/v1"), c.baseUrl());
    assertEquals(Optional.empty(), c.apiKeyEnv());
    assertEquals(4, c.maxConcurrency());
    assertEquals(2, c.maxRetries());
    assertEquals(Duration.ofSeconds(60), c.timeout());
    assertEquals(OptionalLong.empty(), c.requestBudget());
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void eachFieldIsCheckedWithAMessageNamingIt() {
    assertTrue(rejected(b -> EndpointConfig.builder().model("m")).contains("baseUrl is required"));
    assertTrue(rejected(b -> EndpointConfig.builder().baseUrl("http://h/v1")).contains("model is required"));
    assertTrue(rejected(b -> b.baseUrl("ftp://h/v1")).contains("http or https"));
    assertTrue(rejected(b -> b.baseUrl("localhost:8000/v1")).contains("http or https"));
    assertTrue(rejected(b -> b.baseUrl("http://h/v1?x=1")).contains("no query"));
    assertTrue(rejected(b -> b.baseUrl("http://h /v1")).contains("not a URL"));
    assertTrue(rejected(b -> b.model(" ")).contains("model"));
    assertTrue(rejected(b -> b.maxConcurrency(0)).contains("maxConcurrency must be >= 1, got 0"));
    assertTrue(rejected(b -> b.maxRetries(-1)).contains("maxRetries must be >= 0"));
    assertTrue(rejected(b -> b.timeout(Duration.ZERO)).contains("timeout must be positive"));
    assertTrue(rejected(b -> b.requestBudget(0)).contains("requestBudget must be >= 1"));
  }

  @Test
  void secretsPassedByMistakeAreNotEchoed() {
    String key = "sk-proj-ABCDEF0123456789";
    String m = rejected(b -> b.apiKeyEnv(key));
    assertTrue(m.contains("name of an environment variable"), m);
    assertFalse(m.contains(key), m);

    String withPassword = rejected(b -> b.baseUrl("https://user:hunter2@api.example.com/v1"));
    assertTrue(withPassword.contains("user:password@"), withPassword);
    assertFalse(withPassword.contains("hunter2"), withPassword);
  }

  @Test
  void theRecordNamesTheVariableNeverAKey() {
    EndpointConfig c = local().apiKeyEnv("OPENAI_API_KEY").build();
    assertTrue(c.toString().contains("OPENAI_API_KEY"), c.toString());
  }
}
