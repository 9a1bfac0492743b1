package dev.align4j.core.model.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that is truncated, oversized or inconsistent; the message names the file and the tensor. */
public final class SafetensorsException extends IOException {
  private static final long serialVersionUID = 1L;

  SafetensorsException(Path file, String tensor, String problem) {
    super(file + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + problem);
  }
}
