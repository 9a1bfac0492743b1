package dev.align4j.core.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder's defaults are PEFT's LoraConfig's; invalid values are refused naming the field and the value. */
class LoraConfigTest {

  @Test
  void defaultsArePefts() {
    LoraConfig c = LoraConfig.builder().build();
    assertEquals(8, c.r());
    assertEquals(8.0, c.loraAlpha());
    assertEquals(0.0, c.loraDropout());
    assertEquals(new TargetModules.ArchitectureDefault(), c.targetModules());
    assertEquals(LoraBias.NONE, c.bias());
    assertEquals(false, c.useRslora());
    assertEquals(List.of(), c.modulesToSave());
    assertEquals(LoraInit.KAIMING_UNIFORM, c.init());
    assertEquals(1.0, c.scale());
    assertEquals(List.of("q_proj", "v_proj"), TargetModules.PEFT_DEFAULTS.get("qwen2"));
    assertEquals(List.of("c_attn"), TargetModules.PEFT_DEFAULTS.get("gpt2"));
  }

  @Test
  void scaleIsAlphaOverROrOverRootRWithRslora() {
    assertEquals(2.0, LoraConfig.builder().r(16).loraAlpha(32).build().scale());
    assertEquals(8.0, LoraConfig.builder().r(16).loraAlpha(32).useRslora(true).build().scale());
  }

  @Test
  void invalidValuesNameTheFieldAndTheValue() {
    assertMessage("r (lora rank) must be >= 1, got 0", () -> LoraConfig.builder().r(0).build());
    assertMessage("lora_alpha must be finite and > 0, got NaN", () -> LoraConfig.builder().loraAlpha(Double.NaN).build());
    assertMessage("lora_dropout must be in [0, 1), got 1.0", () -> LoraConfig.builder().loraDropout(1).build());
    assertMessage("bias must be \"none\", got \"lora_only\"", () -> LoraConfig.builder().bias(LoraBias.LORA_ONLY).build());
    assertMessage("target_modules regex ( does not compile", () -> LoraConfig.builder()
        .targetModules(new TargetModules.Regex("(")).build());
    assertMessage("target_modules names must not be empty", () -> LoraConfig.builder().targetModules().build());
  }

  @Test
  void allLinearIsReadInAnyCase() {
    assertEquals(new TargetModules.AllLinear(), TargetModules.parse("ALL-Linear"));
    assertEquals(new TargetModules.Regex(".*q_proj"), TargetModules.parse(".*q_proj"));
  }

  private static void assertMessage(String expected, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
