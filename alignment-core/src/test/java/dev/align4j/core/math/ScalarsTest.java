package dev.align4j.core.math;

import dev.align4j.api.objective.Scalars;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.align4j.core.runtime.DjlSetup;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradients through scalar arithmetic survive a garbage collection between forward and backward (DJL's own
 * {@code mul(Number)} does not; see {@link Scalars}).
 */
class ScalarsTest {
  @Test
  void gradientsSurviveAGarbageCollectionBeforeBackward() {
    try (NDManager m = DjlSetup.newManager()) {
      for (int trial = 0; trial < 20; trial++) {
        try (NDManager s = m.newSubManager()) {
          NDArray x = s.ones(new Shape(256));
          x.setRequiresGradient(true);
          try (GradientCollector gc = s.getEngine().newGradientCollector()) {
            NDArray y = Scalars.div(Scalars.mul(x, 3.0), 2.0).sum();
            System.gc();
            List<ByteBuffer> churn = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
              churn.add(ByteBuffer.allocateDirect(4).putFloat(0, Float.NaN)); // reuse freed buffers with NaN
            }
            gc.backward(y);
            assertEquals(2000, churn.size());
          }
          for (float g : x.getGradient().toFloatArray()) {
            assertEquals(1.5f, g, 0f, "trial " + trial);
          }
        }
      }
    }
  }
}
