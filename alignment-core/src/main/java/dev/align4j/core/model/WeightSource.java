package dev.align4j.core.model;

import dev.align4j.core.model.safetensors.CheckpointTensors;
import dev.align4j.core.model.safetensors.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/** Where parameter values come from: a checkpoint, or a seeded initialisation for a new model. */
public interface WeightSource {

  /**
   * The values of a tensor in checkpoint layout.
   *
   * @param name Hugging Face name
   * @param shape the expected checkpoint shape
   * @param init used by sources without stored weights
   */
  float[] read(String name, long[] shape, ParameterSet.Init init);

  /** A seeded random initialisation. */
  static WeightSource random(long seed) {
    Random rnd = new Random(seed);
    return (name, shape, init) -> {
      long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      float[] v = new float[(int) n];
      if (init instanceof ParameterSet.Init.Normal normal) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (rnd.nextGaussian() * normal.std());
        }
      } else if (init instanceof ParameterSet.Init.Constant c) {
        Arrays.fill(v, (float) c.value());
      }
      return v;
    };
  }

  /**
   * Tensors of a checkpoint, shape-checked; {@link #unused()} lists tensors nobody asked for.
   */
  final class FromCheckpoint implements WeightSource {
    private final CheckpointTensors tensors;
    private final Set<String> used = new HashSet<>();
    private final java.util.Map<String, String> aliases;

    /**
     * @param aliases Hugging Face name → name in this checkpoint (e.g. GPT-2 files without the {@code transformer.}
     *     prefix), empty for none
     */
    public FromCheckpoint(CheckpointTensors tensors, java.util.Map<String, String> aliases) {
      this.tensors = tensors;
      this.aliases = aliases;
    }

    @Override
    public float[] read(String name, long[] shape, ParameterSet.Init init) {
      String stored = aliases.getOrDefault(name, name);
      TensorInfo info = tensors.info(stored);
      if (info == null) {
        throw new UncheckedIOException(new IOException("checkpoint has no tensor '" + stored + "' (expected shape "
            + Arrays.toString(shape) + ")"));
      }
      if (!Arrays.equals(info.shape(), shape)) {
        throw new UncheckedIOException(new IOException("tensor '" + stored + "' has shape " + info.shapeText()
            + " but the config implies " + Arrays.toString(shape)));
      }
      used.add(stored);
      try {
        return tensors.readFloats(stored);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Checkpoint tensors that were not read. */
    public Set<String> unused() {
      Set<String> s = new java.util.TreeSet<>(tensors.tensors().keySet());
      s.removeAll(used);
      return s;
    }
  }
}
