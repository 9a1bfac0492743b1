package dev.align4j.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The default checkpoint format of {@link TrainablePolicy}: {@value #FILE} holds each parameter's name followed by
 * its float32 values in DJL's NDArray encoding, in {@link TrainablePolicy#parameters()} order. Written through a
 * temporary file and a rename.
 */
final class Weights {
  static final String FILE = "policy_weights.bin";
  private static final int MAGIC = 0x414c4a57; // "ALJW"

  private Weights() {}

  static void write(Path dir, Map<String, NDArray> parameters) throws IOException {
    Path file = dir.resolve(FILE);
    Path tmp = dir.resolve("." + FILE + ".tmp");
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeInt(parameters.size());
      for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
        byte[] encoded = e.getValue().toType(DataType.FLOAT32, false).encode();
        out.writeUTF(e.getKey());
        out.writeInt(encoded.length);
        out.write(encoded);
      }
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static void read(Path dir, Map<String, NDArray> parameters) throws IOException {
    Path file = dir.resolve(FILE);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + ": not a policy weights file written by TrainablePolicy.writeWeights");
      }
      int n = in.readInt();
      if (n != parameters.size()) {
        throw new IOException(file + ": holds " + n + " parameters, the policy has " + parameters.size());
      }
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        NDArray target = parameters.get(name);
        if (target == null) {
          throw new IOException(file + ": parameter '" + name + "' is not a parameter of the policy");
        }
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        try (NDManager m = target.getManager().newSubManager()) {
          NDArray value = NDArray.decode(m, encoded);
          if (!value.getShape().equals(target.getShape())) {
            throw new IOException(file + ": parameter '" + name + "' has shape " + value.getShape() + ", the policy's "
                + target.getShape());
          }
          target.set(value.toFloatArray());
        }
      }
    }
  }
}
