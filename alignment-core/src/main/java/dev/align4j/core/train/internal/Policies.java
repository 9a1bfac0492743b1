package dev.align4j.core.train.internal;

import ai.djl.ndarray.NDArray;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.core.lora.LoraPolicy;
import dev.align4j.core.AlignModel;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the trainers do with any {@link TrainablePolicy}: copy it, list its parameters, hash and save its weights. */
public final class Policies {
  private Policies() {}

  /** A trainable copy of {@code base}, of its class (the contract of {@link TrainablePolicy#copy}). */
  public static <P extends TrainablePolicy> P trainableCopy(P base) {
    TrainablePolicy c = base.copy();
    @SuppressWarnings("unchecked")
    Class<P> type = (Class<P>) base.getClass();
    if (!type.isInstance(c)) {
      c.close();
      throw new IllegalArgumentException(base.getClass().getName() + ".copy() returned a "
          + c.getClass().getName() + "; TrainablePolicy.copy() must return an instance of the same class");
    }
    P copy = type.cast(c);
    copy.setTrainable(true);
    return copy;
  }

  /**
   * The policy a run trains: a trainable copy of {@code base}, with the weights of {@code checkpoint} when resuming.
   * An {@link AlignModel} is loaded from the checkpoint as a new model (as the uninterrupted run copied its base), so
   * a resumed run is bitwise the uninterrupted one on one thread; other policies restore through
   * {@link TrainablePolicy#readWeights}.
   */
  @SuppressWarnings("unchecked")
  public static <P extends TrainablePolicy> P startingPoint(P base, java.util.Optional<Path> checkpoint)
      throws IOException {
    if (checkpoint.isPresent() && base instanceof AlignModel m) {
      P p = (P) m.withWeightsFrom(checkpoint.get());
      p.setTrainable(true);
      return p;
    }
    P p = trainableCopy(base);
    if (checkpoint.isPresent()) {
      try {
        p.setTrainable(false);              // restoring writes into the tensors in place, outside autograd
        p.readWeights(checkpoint.get());
        p.setTrainable(true);
      } catch (IOException | RuntimeException e) {
        p.close();
        throw e;
      }
    }
    return p;
  }

  /** The policy's parameters as the optimizer takes them, in its order. */
  public static List<Parameter> parameters(TrainablePolicy p) {
    List<Parameter> out = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : p.parameters().entrySet()) {
      out.add(Parameter.of(e.getKey(), e.getValue()));
    }
    return out;
  }

  /**
   * SHA-256 of the policy's class and every parameter's name, shape and values: the identity of its weights, whatever
   * they came from. Reads each parameter to the host once, one at a time.
   */
  public static String weightsHash(TrainablePolicy p) {
    Hasher h = Hashing.sha256().newHasher().putString(p.getClass().getName(), StandardCharsets.UTF_8);
    if (p instanceof LoraPolicy lora) {
      // its parameters are the adapter's alone; two adapters alike on different bases are different policies
      h.putString(weightsHash(lora.model()), StandardCharsets.UTF_8);
    }
    for (Map.Entry<String, NDArray> e : p.parameters().entrySet()) {
      h.putString(e.getKey(), StandardCharsets.UTF_8);
      for (long d : e.getValue().getShape().getShape()) {
        h.putLong(d);
      }
      for (float f : e.getValue().toFloatArray()) {
        h.putFloat(f);
      }
    }
    return h.hash().toString();
  }

  /** A description of a policy for provenance records. */
  public static String describe(TrainablePolicy p) {
    return p instanceof AlignModel m ? m.origin() : p.getClass().getName();
  }

  /**
   * Writes the trained policy to {@code folder}: an {@link AlignModel} as a Hugging Face folder with its provenance,
   * any other policy as its {@link TrainablePolicy#writeWeights} files; assembled under a temporary name and renamed.
   */
  public static void saveFinal(TrainablePolicy p, Path folder, Provenance provenance) throws IOException {
    if (p instanceof AlignModel m) {
      m.provenance(provenance);
      m.save(folder);
      return;
    }
    AtomicFiles.writeFolder(folder, 0, p::writeWeights);
  }
}
