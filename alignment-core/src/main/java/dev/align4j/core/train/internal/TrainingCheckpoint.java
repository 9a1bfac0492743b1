package dev.align4j.core.train.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import dev.align4j.core.model.safetensors.SafetensorsWriter;
import dev.align4j.core.run.Checkpoints;
import dev.align4j.core.run.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a resumable checkpoint holds: the trainable model as a Hugging Face folder, the optimizer's moments
 * ({@code optimizer.safetensors}) and {@code trainer_state.json} (step, optimizer updates, stage-specific state). The
 * data order is a function of the seed and the step, so the step is the data position.
 */
public final class TrainingCheckpoint {
  /** The optimizer state file. */
  public static final String OPTIMIZER = "optimizer.safetensors";
  /** The trainer state file, written last. */
  public static final String STATE = "trainer_state.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingCheckpoint() {}

  /**
   * Writes a checkpoint into {@code folder} (which {@code Checkpoints.save} renames into place).
   *
   * @param weights writes the trained model (for align4j's models, a loadable Hugging Face folder)
   */
  public static void write(Path folder, Checkpoints.Writer weights, AdamW optimizer, long step,
      ObjectNode stageState) throws IOException {
    weights.write(folder);
    SafetensorsWriter w = new SafetensorsWriter();
    for (Map.Entry<String, float[]> e : optimizer.state().entrySet()) {
      w.add(e.getKey(), e.getValue(), e.getValue().length);
    }
    w.write(folder.resolve(OPTIMIZER));
    ObjectNode state = JSON.createObjectNode();
    state.put("step", step);
    state.put("optimizer_updates", optimizer.updates());
    state.set("stage", stageState == null ? JSON.createObjectNode() : stageState);
    RunFolder.writeJson(folder.resolve(STATE), state);
  }

  /** Restores the optimizer from a checkpoint; returns the trainer state. */
  public static JsonNode restore(Path folder, AdamW optimizer) throws IOException {
    JsonNode state = JSON.readTree(folder.resolve(STATE).toFile());
    Map<String, float[]> moments = new LinkedHashMap<>();
    try (SafetensorsReader r = SafetensorsReader.open(folder.resolve(OPTIMIZER))) {
      for (String name : r.tensors().keySet()) {
        moments.put(name, r.readFloats(name));
      }
    }
    optimizer.restore(moments, state.get("optimizer_updates").asLong());
    return state;
  }
}
